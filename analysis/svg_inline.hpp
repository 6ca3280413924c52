#pragma once
// gnuplot's SVG made fit to sit inline in an HTML page beside other plots: the XML declaration dropped,
// every element id prefixed (each gnuplot SVG defines the same marker ids, gpPt0, gpDot, ..., and ids
// must be unique in a page) with the references to them, and the root <title> replaced by the plot's
// own title, escaped.
#include <string>
#include <string_view>

namespace lab::analysis {

std::string inline_svg(std::string_view svg, std::string_view id_prefix, std::string_view title);

}  // namespace lab::analysis
