<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" classificationMin="0" classificationMax="100" opacity="1" alphaBand="-1" nodataColor="" gradient="BlackToWhite">
      <rasterTransparency/>
      <rastershader>
        <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" minimumValue="0" maximumValue="100">
        <colorramp type="gradient" name="[source]">
          <prop k="color1" v="255,255,255,255"/>
          <prop k="color2" v="37,37,37,255"/>
          <prop k="discrete" v="0"/>
          <prop k="rampType" v="gradient"/>
          <prop k="stops" v="0.5;150,150,150,255"/>
        </colorramp>
          <item value="0" color="#ffffff" alpha="255" label="0 %"/>
          <item value="50" color="#969696" alpha="255" label="50 %"/>
          <item value="100" color="#252525" alpha="255" label="100 %"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
