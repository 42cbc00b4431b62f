#pragma once
// A small self-contained SVG line plot (internal): series with ±bands, linear or log x axis,
// ticks, grid, axis labels, legend and title. Written by hand: no plotting library.
#include <string>
#include <vector>

namespace outcore::choose {

struct PlotSeries {
  std::string id;                       // used in element ids: series-ID, band-ID
  std::string name;                     // legend text
  std::string color;                    // CSS colour
  std::vector<double> x, y, low, high;  // low/high: the band (empty: no band)
};

struct LinePlot {
  std::string title, x_label, y_label;
  bool log_x = false;
  int width = 860, height = 540;
  std::vector<PlotSeries> series;
};

/// The plot as an SVG document. Elements carry ids and classes a test can find: title,
/// x-axis, y-axis (each with class tick-label texts and an axis-label), series-ID (a
/// polyline), band-ID (a polygon), legend.
std::string RenderSvg(const LinePlot& plot);

/// Tick positions for a linear axis over [lo, hi]: about `target` round numbers (1, 2, 5 x 10^k).
std::vector<double> LinearTicks(double lo, double hi, int target);
/// Tick positions for a log axis over [lo, hi] (lo > 0): powers of ten, or 1-2-5 multiples
/// when the range spans less than two decades.
std::vector<double> LogTicks(double lo, double hi);
/// Short label for a tick: 100, 1k, 2.5M, 0.85.
std::string TickLabel(double v);

}  // namespace outcore::choose
