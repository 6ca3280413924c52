// A sweep's report.html as people see it: generated from the records of a 2 × 3 grid, its plots drawn by
// the real gnuplot, opened in headless Chromium (no network, a fresh profile). A checking script, added
// to a copy of the page, measures every inline <svg> after layout — its size, its title and whether that
// title was drawn, how many line series have a drawn path — and Chromium's --dump-dom hands the result
// back. A screenshot of the page itself must show the plots' line colours, not a blank page.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <png.h>

#include "analysis/gnuplot_process.hpp"
#include "analysis/plot_spec.hpp"
#include "analysis/rendered_plot.hpp"
#include "analysis/sweep_report_html.hpp"
#include "sweep_records.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace lab::analysis {
namespace {

using e2e::Output;
using e2e::slurp;
using test::full_grid;
using test::stored;

// Marks the plots after layout and leaves what it measured in <pre id="lab-check"> as JSON.
constexpr const char* kCheckScript = R"js(<script>
(function () {
  var plots = [];
  document.querySelectorAll('figure.plot > svg').forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    var titleElement = svg.querySelector(':scope > title');
    var title = titleElement ? titleElement.textContent : '';
    var titleDrawn = Array.prototype.some.call(svg.querySelectorAll('text'), function (t) {
      return t.textContent === title && t.getBBox().width > 0;
    });
    var series = 0;
    svg.querySelectorAll('g[id]').forEach(function (g) {
      if (!/_plot_[0-9]+$/.test(g.id)) return;
      var drawn = Array.prototype.some.call(g.querySelectorAll('path'), function (p) {
        var b = p.getBBox();
        return b.width > 1 && b.height > 1;
      });
      if (drawn) series++;
    });
    svg.setAttribute('data-title', title);
    svg.setAttribute('data-drawn-series', String(series));
    plots.push({title: title, width: box.width, height: box.height, titleDrawn: titleDrawn, series: series});
  });
  var pre = document.createElement('pre');
  pre.id = 'lab-check';
  pre.textContent = JSON.stringify({plots: plots, tables: document.querySelectorAll('table').length});
  document.body.appendChild(pre);
})();
</script>
)js";

class TempDir {
public:
    TempDir() {
        std::string pattern = "/tmp/lab-sweep-report-e2e-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    // LAB_KEEP_SWEEP_REPORT=1 keeps the page, the DOM and the screenshot to look at.
    ~TempDir() {
        const char* keep = std::getenv("LAB_KEEP_SWEEP_REPORT");
        if (keep && std::string(keep) == "1") {
            std::fprintf(stderr, "kept %s\n", path_.c_str());
            return;
        }
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    ASSERT_TRUE(out.good()) << path;
}

// Chromium, headless, on a page; its stdout in `out_path`, its stderr in `out_path`.err. Killed if it has
// not finished in time.
void run_chromium(const std::string& chromium, const std::string& profile, std::vector<std::string> extra,
                  const std::string& out_path) {
    std::vector<std::string> args = {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                     "--user-data-dir=" + profile};
    args.insert(args.end(), extra.begin(), extra.end());
    std::error_code ec;
    e2e::Program c({.exe = chromium,
                    .args = args,
                    .out = Output::to_file(out_path),
                    .err = Output::to_file(out_path + ".err")},
                   ec);
    ASSERT_FALSE(ec) << "start " << chromium << ": " << ec.message();
    // Returning, `c` kills a chromium that is still running.
    if (!c.wait_for(std::chrono::seconds(40))) FAIL() << "chromium (pid " << c.pid() << ") did not finish within 40 s; killed";
}

struct Image {
    std::size_t width = 0, height = 0;
    std::vector<unsigned char> rgb;
};

Image read_png(const std::string& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    Image out;
    if (!png_image_begin_read_from_file(&image, path.c_str())) return out;
    image.format = PNG_FORMAT_RGB;
    out.rgb.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr)) {
        out.rgb.clear();
        return out;
    }
    out.width = image.width;
    out.height = image.height;
    return out;
}

// Pixels within a small distance of a colour (anti-aliasing blends the edges of lines).
std::size_t pixels_near(const Image& img, int r, int g, int b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 2 < img.rgb.size(); i += 3)
        if (std::abs(img.rgb[i] - r) < 24 && std::abs(img.rgb[i + 1] - g) < 24 && std::abs(img.rgb[i + 2] - b) < 24) ++n;
    return n;
}

std::string html_text(std::string s) {
    auto replace = [&](const std::string& from, const std::string& to) {
        for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    };
    replace("&lt;", "<");
    replace("&gt;", ">");
    replace("&nbsp;", "\xC2\xA0");
    replace("&amp;", "&");
    return s;
}

TEST(SweepReportInChromium, EveryPlotRendersSizedTitledWithALinePerSeries) {
    try {
        gnuplot_executable();
    } catch (const GnuplotNotFound& e) {
        FAIL() << e.what() << " (./bootstrap installs it)";
    }
    std::string chromium = e2e::find_program("chromium").string();
    ASSERT_FALSE(chromium.empty()) << "chromium not found: install the Debian package chromium (./bootstrap installs it)";

    // 2 × 3: backlog across, delay (a duration axis) down the rows; two metrics, so two plots.
    std::vector<record::SweepVariable> vars = {{"backlog", {"16", "64"}}, {"delay", {"0ms", "25ms", "50ms"}}};
    auto records = full_grid(vars, 3);
    for (auto& r : records) {
        r.record.sweep->rows = "delay";
        r.record.sweep->columns = "backlog";
        int rep = r.record.sweep->repeat;
        double delay = r.record.sweep->values[1].text == "0ms" ? 0 : r.record.sweep->values[1].text == "25ms" ? 25 : 50;
        test::set_metric(r.record, "connect_p50", 2 * delay + 0.3 * rep + (r.record.sweep->values[0].text == "64" ? 4 : 0));
        test::set_metric(r.record, "accept_queue", (r.record.sweep->values[0].text == "16" ? 17 : 65) + (delay > 0 ? 30 : 0) + rep);
        r.record.metrics[0].description = "accept-queue length <ss Recv-Q> & more";
    }
    test::fail_verdict(stored(records, {"64", "25ms"}, 1).record, "95", "95 is not = 65");
    Sweep sweep = gather_sweep(records);
    auto specs = sweep_plot_specs(sweep);
    ASSERT_EQ(specs.size(), 2u);
    RenderedPlots plots = render_plots(specs);
    for (const auto& p : plots.plots) ASSERT_FALSE(p.svg.empty()) << p.spec.title << ": " << p.error;

    TempDir dir;
    std::string html = sweep_report_html(sweep, plots);
    write_file(dir.path() + "/report.html", html);
    std::string checked = html;
    checked.insert(checked.rfind("</body>"), kCheckScript);
    write_file(dir.path() + "/check.html", checked);

    auto started = std::chrono::steady_clock::now();
    ::mkdir((dir.path() + "/profile-dom").c_str(), 0700);
    run_chromium(chromium, dir.path() + "/profile-dom", {"--dump-dom", "file://" + dir.path() + "/check.html"},
                 dir.path() + "/dom.html");
    std::string dom = slurp(dir.path() + "/dom.html");
    std::size_t open = dom.find("<pre id=\"lab-check\">");
    ASSERT_NE(open, std::string::npos) << "the checking script did not run; chromium wrote: " << dom.substr(0, 500)
                                       << "\nand on stderr: " << slurp(dir.path() + "/dom.html.err").substr(0, 2000);
    std::size_t start = open + std::string("<pre id=\"lab-check\">").size();
    auto check = nlohmann::json::parse(html_text(dom.substr(start, dom.find("</pre>", start) - start)));
    EXPECT_EQ(check["tables"], 2);
    ASSERT_EQ(check["plots"].size(), 2u) << check.dump();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const auto& p = check["plots"][i];
        SCOPED_TRACE(specs[i].title);
        EXPECT_EQ(p["title"], specs[i].title);
        EXPECT_TRUE(p["titleDrawn"].get<bool>()) << p.dump();
        EXPECT_GT(p["width"].get<double>(), 300) << p.dump();
        EXPECT_GT(p["height"].get<double>(), 150) << p.dump();
        EXPECT_EQ(p["series"], 2) << p.dump();  // backlog=16 and backlog=64
    }
    EXPECT_NE(dom.find("data-title=\"accept_queue — accept-queue length &lt;ss Recv-Q&gt; &amp; more\""), std::string::npos);

    ::mkdir((dir.path() + "/profile-shot").c_str(), 0700);
    run_chromium(chromium, dir.path() + "/profile-shot",
                 {"--hide-scrollbars", "--window-size=1280,3200", "--screenshot=" + dir.path() + "/shot.png",
                  "file://" + dir.path() + "/report.html"},
                 dir.path() + "/shot.log");
    Image shot = read_png(dir.path() + "/shot.png");
    ASSERT_FALSE(shot.rgb.empty()) << "no screenshot at " << dir.path() << "/shot.png; chromium's stderr: "
                                   << slurp(dir.path() + "/shot.log.err").substr(0, 2000);
    EXPECT_EQ(shot.width, 1280u);
    std::size_t white = pixels_near(shot, 255, 255, 255);
    std::size_t total = shot.width * shot.height;
    EXPECT_LT(white, total * 99 / 100) << "the page is (almost) blank";
    // gnuplot's first two line colours: the series were painted, not just laid out.
    EXPECT_GT(pixels_near(shot, 148, 0, 211), 200u) << "no purple line (series 1) in the screenshot";
    EXPECT_GT(pixels_near(shot, 0, 158, 115), 200u) << "no green line (series 2) in the screenshot";
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    RecordProperty("chromium_ms", static_cast<int>(took.count()));
}

}  // namespace
}  // namespace lab::analysis
