#include "choose/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace outcore::choose {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Maps data coordinates to pixels inside the plot area.
struct Frame {
  double left, top, right, bottom;  // plot area, pixels
  double x0, x1, y0, y1;            // data ranges (x in log10 when log_x)
  bool log_x;
  double X(double x) const {
    double v = log_x ? std::log10(x) : x;
    return left + (v - x0) / (x1 - x0) * (right - left);
  }
  double Y(double y) const { return bottom - (y - y0) / (y1 - y0) * (bottom - top); }
};

}  // namespace

std::vector<double> LinearTicks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo)) return {lo};
  double raw = (hi - lo) / std::max(target, 1);
  double step = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * step >= raw) {
      step *= m;
      break;
    }
  // i / (1 / step) rather than i * step: 93 / 100.0 is exactly the double nearest 0.93.
  const double inverse = step < 1 ? std::round(1 / step) : 0;
  for (double i = std::ceil(lo / step - 1e-9); i <= std::floor(hi / step + 1e-9); ++i)
    ticks.push_back(inverse > 0 ? i / inverse : i * step);
  return ticks;
}

std::vector<double> LogTicks(double lo, double hi) {
  std::vector<double> ticks;
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  const bool dense = std::log10(hi) - std::log10(lo) < 2;
  for (int e = first; e <= last; ++e)
    for (double m : dense ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
      double t = m * std::pow(10.0, e);
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
    }
  return ticks;
}

std::string TickLabel(double v) {
  char buf[32];
  const double a = std::abs(v);
  if (a >= 1e9)
    std::snprintf(buf, sizeof buf, "%gG", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
  else if (a >= 1e3)
    std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string RenderSvg(const LinePlot& plot) {
  // Data ranges over every point and band.
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  for (const auto& s : plot.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (std::isnan(s.y[i]) || (plot.log_x && s.x[i] <= 0)) continue;
      xmin = std::min(xmin, s.x[i]);
      xmax = std::max(xmax, s.x[i]);
      double lo = s.low.empty() ? s.y[i] : s.low[i], hi = s.high.empty() ? s.y[i] : s.high[i];
      ymin = std::min({ymin, s.y[i], lo});
      ymax = std::max({ymax, s.y[i], hi});
    }
  }
  if (!(xmax >= xmin)) xmin = 1, xmax = 10;
  if (!(ymax >= ymin)) ymin = 0, ymax = 1;
  if (xmax == xmin)
    xmin = plot.log_x ? xmin / 2 : xmin - 1, xmax = plot.log_x ? xmax * 2 : xmax + 1;
  double pad = (ymax - ymin) * 0.08;
  if (pad == 0) pad = std::max(std::abs(ymax) * 0.05, 0.01);
  ymin -= pad;
  ymax += pad;
  if (plot.log_x) xmin /= 1.25, xmax *= 1.25;

  Frame fr;
  fr.left = 86;
  fr.top = 56;
  fr.right = plot.width - 28;
  fr.bottom = plot.height - 112;
  fr.log_x = plot.log_x;
  fr.x0 = plot.log_x ? std::log10(xmin) : xmin;
  fr.x1 = plot.log_x ? std::log10(xmax) : xmax;
  fr.y0 = ymin;
  fr.y1 = ymax;

  std::string svg;
  auto add = [&](const std::string& s) { svg += s + "\n"; };
  const std::string w = std::to_string(plot.width), h = std::to_string(plot.height);
  add("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  add("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
      "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"DejaVu Sans, Arial, sans-serif\">");
  add("<title>" + Escape(plot.title) + "</title>");
  add("<rect id=\"background\" width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>");
  add("<text id=\"title\" class=\"title\" x=\"" + Fmt(plot.width / 2.0) +
      "\" y=\"32\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\" fill=\"#222\">" +
      Escape(plot.title) + "</text>");

  // Grid and axes.
  std::vector<double> xticks = plot.log_x ? LogTicks(xmin, xmax) : LinearTicks(xmin, xmax, 6);
  std::vector<double> yticks = LinearTicks(ymin, ymax, 6);
  add("<g id=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">");
  for (double t : xticks)
    add("<line x1=\"" + Fmt(fr.X(t)) + "\" y1=\"" + Fmt(fr.top) + "\" x2=\"" + Fmt(fr.X(t)) +
        "\" y2=\"" + Fmt(fr.bottom) + "\"/>");
  for (double t : yticks)
    add("<line x1=\"" + Fmt(fr.left) + "\" y1=\"" + Fmt(fr.Y(t)) + "\" x2=\"" + Fmt(fr.right) +
        "\" y2=\"" + Fmt(fr.Y(t)) + "\"/>");
  add("</g>");
  add("<g id=\"x-axis\" class=\"axis\" font-size=\"12\" fill=\"#333\">");
  add("<line class=\"axis-line\" x1=\"" + Fmt(fr.left) + "\" y1=\"" + Fmt(fr.bottom) + "\" x2=\"" +
      Fmt(fr.right) + "\" y2=\"" + Fmt(fr.bottom) + "\" stroke=\"#333\"/>");
  for (double t : xticks) {
    add("<line x1=\"" + Fmt(fr.X(t)) + "\" y1=\"" + Fmt(fr.bottom) + "\" x2=\"" + Fmt(fr.X(t)) +
        "\" y2=\"" + Fmt(fr.bottom + 5) + "\" stroke=\"#333\"/>");
    add("<text class=\"tick-label\" x=\"" + Fmt(fr.X(t)) + "\" y=\"" + Fmt(fr.bottom + 20) +
        "\" text-anchor=\"middle\">" + TickLabel(t) + "</text>");
  }
  add("<text class=\"axis-label\" x=\"" + Fmt((fr.left + fr.right) / 2) + "\" y=\"" +
      Fmt(fr.bottom + 44) + "\" text-anchor=\"middle\" font-size=\"14\">" + Escape(plot.x_label) +
      "</text>");
  add("</g>");
  add("<g id=\"y-axis\" class=\"axis\" font-size=\"12\" fill=\"#333\">");
  add("<line class=\"axis-line\" x1=\"" + Fmt(fr.left) + "\" y1=\"" + Fmt(fr.top) + "\" x2=\"" +
      Fmt(fr.left) + "\" y2=\"" + Fmt(fr.bottom) + "\" stroke=\"#333\"/>");
  for (double t : yticks) {
    add("<line x1=\"" + Fmt(fr.left - 5) + "\" y1=\"" + Fmt(fr.Y(t)) + "\" x2=\"" + Fmt(fr.left) +
        "\" y2=\"" + Fmt(fr.Y(t)) + "\" stroke=\"#333\"/>");
    add("<text class=\"tick-label\" x=\"" + Fmt(fr.left - 8) + "\" y=\"" + Fmt(fr.Y(t) + 4) +
        "\" text-anchor=\"end\">" + TickLabel(t) + "</text>");
  }
  const std::string cy = Fmt((fr.top + fr.bottom) / 2);
  add("<text class=\"axis-label\" x=\"22\" y=\"" + cy + "\" transform=\"rotate(-90 22 " + cy +
      ")\" text-anchor=\"middle\" font-size=\"14\">" + Escape(plot.y_label) + "</text>");
  add("</g>");

  // Bands under lines, then lines with markers.
  add("<g id=\"bands\">");
  for (const auto& s : plot.series) {
    if (s.low.empty()) continue;
    std::string points;
    for (size_t i = 0; i < s.x.size(); ++i)
      if (!std::isnan(s.high[i])) points += Fmt(fr.X(s.x[i])) + "," + Fmt(fr.Y(s.high[i])) + " ";
    for (size_t i = s.x.size(); i-- > 0;)
      if (!std::isnan(s.low[i])) points += Fmt(fr.X(s.x[i])) + "," + Fmt(fr.Y(s.low[i])) + " ";
    add("<polygon id=\"band-" + s.id + "\" class=\"band\" points=\"" + points + "\" fill=\"" +
        s.color + "\" fill-opacity=\"0.18\" stroke=\"none\"/>");
  }
  add("</g>");
  add("<g id=\"lines\">");
  for (const auto& s : plot.series) {
    std::string points;
    for (size_t i = 0; i < s.x.size(); ++i)
      if (!std::isnan(s.y[i])) points += Fmt(fr.X(s.x[i])) + "," + Fmt(fr.Y(s.y[i])) + " ";
    add("<polyline id=\"series-" + s.id + "\" class=\"series\" points=\"" + points +
        "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"2.5\"/>");
    for (size_t i = 0; i < s.x.size(); ++i)
      if (!std::isnan(s.y[i]))
        add("<circle class=\"marker\" cx=\"" + Fmt(fr.X(s.x[i])) + "\" cy=\"" + Fmt(fr.Y(s.y[i])) +
            "\" r=\"4\" fill=\"" + s.color + "\"/>");
  }
  add("</g>");

  // Legend, below the x axis label.
  add("<g id=\"legend\" font-size=\"13\" fill=\"#222\">");
  double lx = fr.left, ly = plot.height - 26;
  for (const auto& s : plot.series) {
    add("<rect x=\"" + Fmt(lx) + "\" y=\"" + Fmt(ly - 9) + "\" width=\"30\" height=\"14\" fill=\"" +
        s.color + "\" fill-opacity=\"0.18\"/>");
    add("<line x1=\"" + Fmt(lx) + "\" y1=\"" + Fmt(ly - 2) + "\" x2=\"" + Fmt(lx + 30) +
        "\" y2=\"" + Fmt(ly - 2) + "\" stroke=\"" + s.color + "\" stroke-width=\"2.5\"/>");
    add("<text class=\"legend-label\" x=\"" + Fmt(lx + 38) + "\" y=\"" + Fmt(ly + 3) + "\">" +
        Escape(s.name) + "</text>");
    lx += 60 + 7.5 * static_cast<double>(s.name.size());
  }
  add("</g>");
  add("</svg>");
  return svg;
}

}  // namespace outcore::choose
