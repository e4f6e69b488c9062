<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="categorizedSymbol" attr="FLOE_CLASS" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" value="0" symbol="0" label="Open water"/>
      <category render="true" value="1" symbol="1" label="Ice cake (&lt; 20 m)"/>
      <category render="true" value="2" symbol="2" label="Small floe (20-100 m)"/>
      <category render="true" value="3" symbol="3" label="Medium floe (100-500 m)"/>
      <category render="true" value="4" symbol="4" label="Big floe (500 m-2 km)"/>
      <category render="true" value="5" symbol="5" label="Vast/giant floe (&gt;= 2 km)"/>
      <category render="true" value="6" symbol="6" label="Icebergs, growlers, bergy bits"/>
      <category render="true" value="255" symbol="7" label="Undetermined, land or no data"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="150,200,255,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="255,237,160,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="254,201,101,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="253,141,60,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="4" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="227,74,51,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="5" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="153,52,4,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="6" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="122,1,119,150"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="35,35,35,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
      <symbol type="fill" name="7" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="255,255,255,0"/>
          <prop k="style" v="no"/>
          <prop k="outline_color" v="160,160,160,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="CASE WHEN upper(&quot;POLY_TYPE&quot;) = &#x27;I&#x27; THEN array_to_string(array_filter(array(with_variable(&#x27;c&#x27;, to_int(nullif(trim(to_string(&quot;CT&quot;)), &#x27;&#x27;)), CASE WHEN @c IS NULL OR @c &lt; 0 OR @c IN (0, 55, 98) THEN &#x27;&#x27; WHEN @c = 92 THEN &#x27;10&#x27; WHEN @c = 91 THEN &#x27;9+&#x27; WHEN @c IN (1, 2) THEN &#x27;&lt;1&#x27; WHEN @c = 81 THEN &#x27;8-10&#x27; WHEN @c = 99 THEN &#x27;X&#x27; WHEN @c % 10 = 0 THEN to_string(@c // 10) ELSE to_string(@c // 10) || &#x27;-&#x27; || to_string(@c % 10) END), trim(with_variable(&#x27;c&#x27;, to_int(nullif(trim(to_string(&quot;CA&quot;)), &#x27;&#x27;)), CASE WHEN @c IS NULL OR @c &lt; 0 OR @c IN (0, 55, 98) THEN &#x27;&#x27; WHEN @c = 92 THEN &#x27;10&#x27; WHEN @c = 91 THEN &#x27;9+&#x27; WHEN @c IN (1, 2) THEN &#x27;&lt;1&#x27; WHEN @c = 81 THEN &#x27;8-10&#x27; WHEN @c = 99 THEN &#x27;X&#x27; WHEN @c % 10 = 0 THEN to_string(@c // 10) ELSE to_string(@c // 10) || &#x27;-&#x27; || to_string(@c % 10) END) || &#x27; &#x27; || with_variable(&#x27;c&#x27;, to_int(nullif(trim(to_string(&quot;CB&quot;)), &#x27;&#x27;)), CASE WHEN @c IS NULL OR @c &lt; 0 OR @c IN (0, 55, 98) THEN &#x27;&#x27; WHEN @c = 92 THEN &#x27;10&#x27; WHEN @c = 91 THEN &#x27;9+&#x27; WHEN @c IN (1, 2) THEN &#x27;&lt;1&#x27; WHEN @c = 81 THEN &#x27;8-10&#x27; WHEN @c = 99 THEN &#x27;X&#x27; WHEN @c % 10 = 0 THEN to_string(@c // 10) ELSE to_string(@c // 10) || &#x27;-&#x27; || to_string(@c % 10) END) || &#x27; &#x27; || with_variable(&#x27;c&#x27;, to_int(nullif(trim(to_string(&quot;CC&quot;)), &#x27;&#x27;)), CASE WHEN @c IS NULL OR @c &lt; 0 OR @c IN (0, 55, 98) THEN &#x27;&#x27; WHEN @c = 92 THEN &#x27;10&#x27; WHEN @c = 91 THEN &#x27;9+&#x27; WHEN @c IN (1, 2) THEN &#x27;&lt;1&#x27; WHEN @c = 81 THEN &#x27;8-10&#x27; WHEN @c = 99 THEN &#x27;X&#x27; WHEN @c % 10 = 0 THEN to_string(@c // 10) ELSE to_string(@c // 10) || &#x27;-&#x27; || to_string(@c % 10) END)), trim(with_variable(&#x27;s&#x27;, to_int(nullif(trim(to_string(&quot;SA&quot;)), &#x27;&#x27;)), CASE WHEN @s IS NULL OR @s &lt; 81 THEN &#x27;&#x27; WHEN @s &lt;= 89 THEN to_string(@s - 80) WHEN @s = 91 THEN &#x27;1•&#x27; WHEN @s = 93 THEN &#x27;4•&#x27; WHEN @s = 95 THEN &#x27;7•&#x27; WHEN @s = 96 THEN &#x27;8•&#x27; WHEN @s = 97 THEN &#x27;9•&#x27; WHEN @s = 98 THEN &#x27;▲&#x27; ELSE &#x27;X&#x27; END) || &#x27; &#x27; || with_variable(&#x27;s&#x27;, to_int(nullif(trim(to_string(&quot;SB&quot;)), &#x27;&#x27;)), CASE WHEN @s IS NULL OR @s &lt; 81 THEN &#x27;&#x27; WHEN @s &lt;= 89 THEN to_string(@s - 80) WHEN @s = 91 THEN &#x27;1•&#x27; WHEN @s = 93 THEN &#x27;4•&#x27; WHEN @s = 95 THEN &#x27;7•&#x27; WHEN @s = 96 THEN &#x27;8•&#x27; WHEN @s = 97 THEN &#x27;9•&#x27; WHEN @s = 98 THEN &#x27;▲&#x27; ELSE &#x27;X&#x27; END) || &#x27; &#x27; || with_variable(&#x27;s&#x27;, to_int(nullif(trim(to_string(&quot;SC&quot;)), &#x27;&#x27;)), CASE WHEN @s IS NULL OR @s &lt; 81 THEN &#x27;&#x27; WHEN @s &lt;= 89 THEN to_string(@s - 80) WHEN @s = 91 THEN &#x27;1•&#x27; WHEN @s = 93 THEN &#x27;4•&#x27; WHEN @s = 95 THEN &#x27;7•&#x27; WHEN @s = 96 THEN &#x27;8•&#x27; WHEN @s = 97 THEN &#x27;9•&#x27; WHEN @s = 98 THEN &#x27;▲&#x27; ELSE &#x27;X&#x27; END)), trim(with_variable(&#x27;f&#x27;, to_int(nullif(trim(to_string(&quot;FA&quot;)), &#x27;&#x27;)), CASE WHEN @f IS NULL OR @f &lt; 0 THEN &#x27;&#x27; WHEN @f = 22 THEN &#x27;0&#x27; WHEN @f &gt;= 1 AND @f &lt;= 9 THEN to_string(@f) WHEN @f = 10 THEN &#x27;9&#x27; ELSE &#x27;X&#x27; END) || &#x27; &#x27; || with_variable(&#x27;f&#x27;, to_int(nullif(trim(to_string(&quot;FB&quot;)), &#x27;&#x27;)), CASE WHEN @f IS NULL OR @f &lt; 0 THEN &#x27;&#x27; WHEN @f = 22 THEN &#x27;0&#x27; WHEN @f &gt;= 1 AND @f &lt;= 9 THEN to_string(@f) WHEN @f = 10 THEN &#x27;9&#x27; ELSE &#x27;X&#x27; END) || &#x27; &#x27; || with_variable(&#x27;f&#x27;, to_int(nullif(trim(to_string(&quot;FC&quot;)), &#x27;&#x27;)), CASE WHEN @f IS NULL OR @f &lt; 0 THEN &#x27;&#x27; WHEN @f = 22 THEN &#x27;0&#x27; WHEN @f &gt;= 1 AND @f &lt;= 9 THEN to_string(@f) WHEN @f = 10 THEN &#x27;9&#x27; ELSE &#x27;X&#x27; END))), @element &lt;&gt; &#x27;&#x27;), &#x27;|&#x27;) ELSE &#x27;&#x27; END" isExpression="1" fontFamily="Sans Serif" fontSize="7" fontSizeUnit="Point" fontWeight="50" fontItalic="0" textColor="0,0,0,255" textOpacity="1" multilineHeight="1" allowHtml="0" namedStyle="Regular" previewBkgrdColor="255,255,255,255">
        <text-buffer bufferDraw="0" bufferSize="0.5" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="1"/>
        <background shapeDraw="1" shapeType="2" shapeSizeType="0" shapeSizeX="1.2" shapeSizeY="0.6" shapeSizeUnit="MM" shapeFillColor="255,255,255,235" shapeBorderColor="0,0,0,255" shapeBorderWidth="0.25" shapeBorderWidthUnit="MM" shapeOpacity="1" shapeJoinStyle="64" shapeRotationType="0" shapeRotation="0" shapeOffsetX="0" shapeOffsetY="0" shapeOffsetUnit="MM" shapeRadiiX="0" shapeRadiiY="0" shapeRadiiUnit="MM" shapeBlendMode="0"/>
        <shadow shadowDraw="0"/>
      </text-style>
      <text-format wrapChar="|" multilineAlign="1" autoWrapLength="0" useMaxLineLengthForAutoWrap="1" formatNumbers="0" plussign="0" reverseDirectionSymbol="0" addDirectionSymbol="0" placeDirectionSymbol="0" leftDirectionSymbol="&lt;" rightDirectionSymbol="&gt;" decimals="3"/>
      <placement placement="1" centroidInside="1" centroidWhole="0" fitInPolygonOnly="1" priority="5" dist="0" distUnits="MM" offsetType="0" quadOffset="4" xOffset="0" yOffset="0" offsetUnits="MM" repeatDistance="0" repeatDistanceUnits="MM" overrunDistance="0" overrunDistanceUnit="MM" maxCurvedCharAngleIn="25" maxCurvedCharAngleOut="-25" rotationAngle="0" preserveRotation="1" placementFlags="10" layerType="PolygonGeometry" polygonPlacementFlags="2"/>
      <rendering obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" limitNumLabels="0" maxNumLabels="2000" minFeatureSize="0" scaleVisibility="0" scaleMin="0" scaleMax="0" fontLimitPixelSize="0" fontMinPixelSize="3" fontMaxPixelSize="10000" zIndex="0" drawLabels="1" unplacedVisibility="0"/>
    </settings>
  </labeling>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
</qgis>
