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
          <paletteEntry value="1" color="#ffeda0" alpha="255" label="Ice cake (&lt; 20 m)"/>
          <paletteEntry value="2" color="#fec965" alpha="255" label="Small floe (20-100 m)"/>
          <paletteEntry value="3" color="#fd8d3c" alpha="255" label="Medium floe (100-500 m)"/>
          <paletteEntry value="4" color="#e34a33" alpha="255" label="Big floe (500 m-2 km)"/>
          <paletteEntry value="5" color="#993404" alpha="255" label="Vast/giant floe (&gt;= 2 km)"/>
          <paletteEntry value="6" color="#7a0177" alpha="255" label="Icebergs, growlers, bergy bits"/>
      </colorPalette>
      <colorramp type="gradient" name="[source]">
        <prop k="color1" v="150,200,255,255"/>
        <prop k="color2" v="122,1,119,255"/>
        <prop k="discrete" v="1"/>
        <prop k="rampType" v="gradient"/>
        <prop k="stops" v="0.142857;255,237,160,255:0.285714;254,201,101,255:0.428571;253,141,60,255:0.571429;227,74,51,255:0.714286;153,52,4,255:0.857143;122,1,119,255"/>
      </colorramp>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
