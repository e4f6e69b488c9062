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
          <paletteEntry value="0" color="#96c8ff" alpha="255" label="Ice free / open water (0 %)"/>
          <paletteEntry value="10" color="#8cffa0" alpha="255" label="1/10 (10 %)"/>
          <paletteEntry value="20" color="#8cffa0" alpha="255" label="2/10 (20 %)"/>
          <paletteEntry value="30" color="#8cffa0" alpha="255" label="3/10 (30 %)"/>
          <paletteEntry value="40" color="#ffff00" alpha="255" label="4/10 (40 %)"/>
          <paletteEntry value="50" color="#ffff00" alpha="255" label="5/10 (50 %)"/>
          <paletteEntry value="60" color="#ffff00" alpha="255" label="6/10 (60 %)"/>
          <paletteEntry value="70" color="#ff7d07" alpha="255" label="7/10 (70 %)"/>
          <paletteEntry value="80" color="#ff7d07" alpha="255" label="8/10 (80 %)"/>
          <paletteEntry value="90" color="#ff0000" alpha="255" label="9/10 (90 %)"/>
          <paletteEntry value="100" color="#ff0000" alpha="255" label="10/10 (100 %)"/>
      </colorPalette>
      <colorramp type="randomcolors" name="[source]"/>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
