<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="AllStyleCategories">
  <pipe>
    <provider>
      <resampling enabled="false" zoomedInResamplingMethod="nearestNeighbour" zoomedOutResamplingMethod="nearestNeighbour" maxOversampling="2"/>
    </provider>
    <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">
      <rasterTransparency/>
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <colorPalette>
          <paletteEntry value="0" color="#96c8ff" alpha="255" label="Open water"/>
          <paletteEntry value="1" color="#f0d2fa" alpha="255" label="New ice (&lt; 10 cm)"/>
          <paletteEntry value="2" color="#873cd7" alpha="255" label="Young ice (10-30 cm)"/>
          <paletteEntry value="3" color="#9bd200" alpha="255" label="Thin first-year ice (30-70 cm)"/>
          <paletteEntry value="4" color="#007800" alpha="255" label="Medium/thick first-year ice (&gt;= 70 cm)"/>
          <paletteEntry value="5" color="#b46432" alpha="255" label="Old ice"/>
      </colorPalette>
      <colorramp type="gradient" name="[source]">
        <prop k="color1" v="150,200,255,255"/>
        <prop k="color2" v="180,100,50,255"/>
        <prop k="discrete" v="1"/>
        <prop k="rampType" v="gradient"/>
        <prop k="stops" v="0.166667;240,210,250,255:0.333333;135,60,215,255:0.5;155,210,0,255:0.666667;0,120,0,255:0.833333;180,100,50,255"/>
      </colorramp>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
