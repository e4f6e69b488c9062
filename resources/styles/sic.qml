<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" classificationMin="0" classificationMax="100" opacity="1" alphaBand="-1" nodataColor="" gradient="BlackToWhite">
      <rasterTransparency/>
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="2" clip="0" minimumValue="0" maximumValue="100" labelPrecision="0">
      <colorramp type="gradient" name="[source]">
        <prop k="color1" v="150,200,255,255"/>
        <prop k="color2" v="255,0,0,255"/>
        <prop k="discrete" v="1"/>
        <prop k="rampType" v="gradient"/>
        <prop k="stops" v="0.2;140,255,160,255:0.4;255,255,0,255:0.6;255,125,7,255:0.8;255,0,0,255"/>
      </colorramp>
          <item value="0" color="#96c8ff" alpha="255" label="Open water (&lt; 1/10)"/>
          <item value="30" color="#8cffa0" alpha="255" label="Very open drift ice (1-3/10)"/>
          <item value="60" color="#ffff00" alpha="255" label="Open drift ice (4-6/10)"/>
          <item value="80" color="#ff7d07" alpha="255" label="Close drift ice (7-8/10)"/>
          <item value="100" color="#ff0000" alpha="255" label="Very close drift ice (9-10/10)"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
