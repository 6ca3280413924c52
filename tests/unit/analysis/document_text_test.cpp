// Text placed into XML/HTML, Markdown and inline SVG: whatever the records hold stays text.
#include <gtest/gtest.h>

#include "analysis/markdown_text.hpp"
#include "analysis/svg_inline.hpp"
#include "analysis/xml_text.hpp"

namespace lab::analysis {
namespace {

TEST(XmlText, MarkupCharactersBecomeEntities) {
    EXPECT_EQ(xml_escape("a < b && c > \"d\" 'e'"), "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;");
    EXPECT_EQ(xml_escape("≥ 31 — ok"), "≥ 31 — ok");
}

TEST(XmlText, BytesXmlCannotHoldBecomeTheReplacementCharacter) {
    EXPECT_EQ(xml_safe_utf8("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
    EXPECT_EQ(xml_safe_utf8(std::string("nul\0bell\x07", 9)), "nul\xEF\xBF\xBD" "bell\xEF\xBF\xBD");
    EXPECT_EQ(xml_safe_utf8("bad \xff\xfe end"), "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
    EXPECT_EQ(xml_safe_utf8("overlong \xC0\xAF"), "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(xml_safe_utf8("surrogate \xED\xA0\x80"), "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(xml_safe_utf8("cut \xE2\x89"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(xml_safe_utf8("emoji \xF0\x9F\x98\x80"), "emoji \xF0\x9F\x98\x80");
}

TEST(MarkdownText, PunctuationWithAMeaningIsEscapedAndUnderscoresInsideWordsAreNot) {
    EXPECT_EQ(markdown_escape("tcp_syncookies"), "tcp_syncookies");
    EXPECT_EQ(markdown_escape("_private_"), "\\_private\\_");
    EXPECT_EQ(markdown_escape("a|b *c* `d` <e> [f] ~g~ & #h \\"), "a\\|b \\*c\\* \\`d\\` \\<e\\> \\[f\\] \\~g\\~ \\& \\#h \\\\");
    EXPECT_EQ(markdown_escape("two\nlines\r\there"), "two lines  here");
    EXPECT_EQ(markdown_escape("délai_ms"), "délai_ms");
}

constexpr const char* kGnuplotSvg = R"svg(<?xml version="1.0" encoding="utf-8"  standalone="no"?>
<svg 
 viewBox="0 0 720 450"
 xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink"
>

<title>lab_plot_1</title>
<desc>Produced by GNUPLOT 5.4 patchlevel 4 </desc>

<g id="gnuplot_canvas">
<defs>
	<circle id='gpDot' r='0.5' stroke-width='0.5' stroke='currentColor'/>
	<path id='gpPt0' stroke-width='0.222' stroke='currentColor' d='M-1,0 h2 M0,-1 v2'/>
	<use xlink:href='#gpPt0' id='gpPt6' fill='currentColor' stroke='none'/>
	<filter id='textbox' filterUnits='objectBoundingBox' x='0' y='0' height='1' width='1'/>
</defs>
	<g id="lab_plot_1_plot_1" ><title>lab_plot_1_plot_1</title>
	<use xlink:href='#gpPt6' transform='translate(64.14,358.56) scale(4.50)'/>
	<text style="filter: url(#textbox)">#gpPt0) is text</text>
	</g>
</g>
</svg>
)svg";

TEST(SvgInline, IdsAndTheirReferencesArePrefixedAndTheTitleReplaced) {
    std::string svg = inline_svg(kGnuplotSvg, "p1-", "queue <len> & more");
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg;  // no XML declaration
    EXPECT_NE(svg.find("<title>queue &lt;len&gt; &amp; more</title>"), std::string::npos) << svg;
    EXPECT_NE(svg.find("<g id=\"p1-gnuplot_canvas\">"), std::string::npos) << svg;
    EXPECT_NE(svg.find("<circle id='p1-gpDot'"), std::string::npos) << svg;
    EXPECT_NE(svg.find("<use xlink:href='#p1-gpPt0' id='p1-gpPt6'"), std::string::npos) << svg;
    EXPECT_NE(svg.find("<use xlink:href='#p1-gpPt6' transform"), std::string::npos) << svg;
    EXPECT_NE(svg.find("url(#p1-textbox)"), std::string::npos) << svg;
    EXPECT_NE(svg.find("<g id=\"p1-lab_plot_1_plot_1\" ><title>lab_plot_1_plot_1</title>"), std::string::npos) << svg;
    EXPECT_NE(svg.find(">#gpPt0) is text</text>"), std::string::npos) << svg;  // text is not an attribute
    EXPECT_EQ(svg.find("id='gpPt"), std::string::npos) << svg;
    EXPECT_EQ(inline_svg("not svg at all", "p-", "t"), "");
}

}  // namespace
}  // namespace lab::analysis
