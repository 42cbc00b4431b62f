#include "pipeline/estimators/multinomial.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "pipeline/estimators/linear_model.h"
#include "pipeline/estimators/row_blocks.h"

namespace outcore {

namespace {

// L-BFGS: pairs of steps and gradient changes kept; sufficient-decrease constant and the
// most halvings of a step in the backtracking line search.
constexpr size_t kHistory = 10;
constexpr double kArmijo = 1e-4;
constexpr int kMaxHalvings = 50;
// A predicted decrease below this fraction of the objective is lost in its rounding: the line
// search cannot judge the step, so it is judged by the gradient instead.
constexpr double kDecreaseInRoundoff = 1e-12;

using Vector = std::vector<double>;

double DotV(const Vector& a, const Vector& b) { return Dot(a.data(), b.data(), static_cast<int64_t>(a.size())); }
double Norm(const Vector& a) { return std::sqrt(DotV(a, a)); }

// The parameters are one vector: the coefficients row-major (k x p), then the k intercepts.
struct SoftmaxProblem {
  const Features& X;
  const Vector& y;  // class indices
  const Vector& row_weights;  // empty: every row weighs 1
  int64_t k;
  double c;
  bool intercept;

  int64_t p() const { return static_cast<int64_t>(X.names.size()); }
  int64_t weights() const { return k * p(); }
  int64_t dims() const { return weights() + (intercept ? k : 0); }

  // The objective at theta, and its gradient into *gradient.
  double Evaluate(const Vector& theta, Vector* gradient) const {
    const int64_t n_features = p(), n_dims = dims();
    Vector sums = SumRowBlocks(X.rows, 1 + n_dims, [&](int64_t begin, int64_t end, double* acc) {
      const int64_t len = end - begin;
      // z[c * len + i]: the score of class c for row begin + i, then P - [c == y].
      Vector z(static_cast<size_t>(len * k));
      for (int64_t cls = 0; cls < k; ++cls) {
        double* zc = z.data() + cls * len;
        std::fill(zc, zc + len, intercept ? theta[weights() + cls] : 0.0);
        for (int64_t j = 0; j < n_features; ++j) {
          const double w = theta[cls * n_features + j];
          if (w == 0) continue;
          const double* x = X.col(j) + begin;
          for (int64_t i = 0; i < len; ++i) zc[i] += w * x[i];
        }
      }
      double loss = 0;
      for (int64_t i = 0; i < len; ++i) {
        double top = z[i];
        for (int64_t cls = 1; cls < k; ++cls) top = std::max(top, z[cls * len + i]);
        double total = 0;
        for (int64_t cls = 0; cls < k; ++cls) total += std::exp(z[cls * len + i] - top);
        const double log_total = top + std::log(total);
        const int64_t label = static_cast<int64_t>(y[begin + i]);
        const double weight = row_weights.empty() ? 1.0 : row_weights[begin + i];
        loss += weight * (log_total - z[label * len + i]);
        for (int64_t cls = 0; cls < k; ++cls)
          z[cls * len + i] = weight * (std::exp(z[cls * len + i] - log_total) - (cls == label ? 1.0 : 0.0));
      }
      acc[0] += loss;
      for (int64_t cls = 0; cls < k; ++cls) {
        const double* r = z.data() + cls * len;
        for (int64_t j = 0; j < n_features; ++j)
          acc[1 + cls * n_features + j] += Dot(r, X.col(j) + begin, len);
        if (intercept) {
          double sum = 0;
          for (int64_t i = 0; i < len; ++i) sum += r[i];
          acc[1 + weights() + cls] += sum;
        }
      }
    });
    gradient->assign(n_dims, 0.0);
    double penalty = 0;
    for (int64_t d = 0; d < n_dims; ++d) {
      (*gradient)[d] = c * sums[1 + d];
      if (d < weights()) {
        (*gradient)[d] += theta[d];
        penalty += theta[d] * theta[d];
      }
    }
    return c * sums[0] + 0.5 * penalty;
  }
};

// -H * gradient by L-BFGS's two-loop recursion over the kept (s, y) pairs.
Vector Direction(const Vector& gradient, const std::deque<Vector>& s, const std::deque<Vector>& yv) {
  Vector q = gradient;
  const size_t m = s.size();
  std::vector<double> alpha(m), rho(m);
  for (size_t i = m; i-- > 0;) {
    rho[i] = 1.0 / DotV(yv[i], s[i]);
    alpha[i] = rho[i] * DotV(s[i], q);
    for (size_t d = 0; d < q.size(); ++d) q[d] -= alpha[i] * yv[i][d];
  }
  const double gamma = m ? DotV(s[m - 1], yv[m - 1]) / DotV(yv[m - 1], yv[m - 1]) : 1.0;
  for (double& v : q) v *= gamma;
  for (size_t i = 0; i < m; ++i) {
    const double beta = rho[i] * DotV(yv[i], q);
    for (size_t d = 0; d < q.size(); ++d) q[d] += s[i][d] * (alpha[i] - beta);
  }
  for (double& v : q) v = -v;
  return q;
}

}  // namespace

SoftmaxState FitSoftmax(const Features& X, const std::vector<double>& y, const std::vector<double>& row_weights,
                        int64_t classes, const SoftmaxFitOptions& options, Json* info) {
  const SoftmaxProblem problem{X, y, row_weights, classes, options.c, options.fit_intercept};
  const int64_t n_dims = problem.dims();
  Vector theta(n_dims, 0.0), gradient, best = theta;
  double objective = problem.Evaluate(theta, &gradient);
  const double initial_norm = Norm(gradient);
  double norm = initial_norm, best_norm = norm, best_objective = objective;
  std::deque<Vector> s_hist, y_hist;
  bool converged = false;
  std::string stop_reason = "max_iter";
  int64_t iterations = 0;
  for (;; ++iterations) {
    if (norm <= options.tol * initial_norm) {
      converged = true;
      stop_reason = "gradient";
      break;
    }
    if (iterations == options.max_iter) break;
    Vector direction = Direction(gradient, s_hist, y_hist);
    double slope = DotV(gradient, direction);
    if (!(slope < 0)) {  // not a descent direction: start the history again
      s_hist.clear();
      y_hist.clear();
      direction = gradient;
      for (double& v : direction) v = -v;
      slope = -norm * norm;
    }
    // The first step has no curvature to scale it: a unit step along the gradient's direction.
    double t = s_hist.empty() && iterations == 0 ? std::min(1.0, 1.0 / norm) : 1.0;
    Vector trial(n_dims), trial_gradient;
    double trial_objective = 0;
    bool accepted = false;
    for (int halvings = 0; halvings <= kMaxHalvings; ++halvings, t *= 0.5) {
      for (int64_t d = 0; d < n_dims; ++d) trial[d] = theta[d] + t * direction[d];
      trial_objective = problem.Evaluate(trial, &trial_gradient);
      if (trial_objective <= objective + kArmijo * t * slope) {
        accepted = true;
        break;
      }
      const double roundoff = kDecreaseInRoundoff * std::max(1.0, std::abs(objective));
      if (-t * slope <= roundoff) {
        // The step's first-order decrease is lost in the objective's rounding, so the
        // objective cannot judge it: take it unless the objective clearly rose.
        accepted = trial_objective <= objective + roundoff;
        break;
      }
    }
    if (!accepted) {
      stop_reason = "line_search";
      break;
    }
    Vector step(n_dims), change(n_dims);
    for (int64_t d = 0; d < n_dims; ++d) {
      step[d] = trial[d] - theta[d];
      change[d] = trial_gradient[d] - gradient[d];
    }
    if (DotV(step, change) > 1e-12 * Norm(step) * Norm(change)) {
      s_hist.push_back(std::move(step));
      y_hist.push_back(std::move(change));
      if (s_hist.size() > kHistory) {
        s_hist.pop_front();
        y_hist.pop_front();
      }
    }
    theta.swap(trial);
    gradient.swap(trial_gradient);
    objective = trial_objective;
    norm = Norm(gradient);
    if (norm < best_norm) {
      best = theta;
      best_norm = norm;
      best_objective = objective;
    }
    if (!std::isfinite(objective)) {
      stop_reason = "numerical_error";
      break;
    }
  }
  if (info)
    *info = SolveRecord("lbfgs", iterations, converged, stop_reason, best_objective, best_norm,
                        initial_norm);

  SoftmaxState state;
  state.classes = classes;
  state.features = problem.p();
  state.coef.assign(best.begin(), best.begin() + problem.weights());
  state.intercept.assign(classes, 0.0);
  if (options.fit_intercept) {
    // The intercepts are free up to a common shift (the softmax does not see it): centre them.
    double mean = 0;
    for (int64_t c = 0; c < classes; ++c) mean += best[problem.weights() + c] / classes;
    for (int64_t c = 0; c < classes; ++c) state.intercept[c] = best[problem.weights() + c] - mean;
  }
  return state;
}

void PredictSoftmax(const SoftmaxState& state, const Features& X, double* out) {
  const int64_t k = state.classes, p = state.features;
  if (static_cast<int64_t>(X.names.size()) != p)
    Fail(ErrorCode::kSchema, "the model has " + std::to_string(p) + " features, the data " +
                                 std::to_string(X.names.size()));
  ForEachRowBlock(X.rows, [&](int64_t begin, int64_t end) {
    const int64_t len = end - begin;
    Vector z(static_cast<size_t>(len * k));
    for (int64_t c = 0; c < k; ++c) {
      double* zc = z.data() + c * len;
      std::fill(zc, zc + len, state.intercept[c]);
      for (int64_t j = 0; j < p; ++j) {
        const double w = state.coef[c * p + j];
        const double* x = X.col(j) + begin;
        for (int64_t i = 0; i < len; ++i) zc[i] += w * x[i];  // NaN stays NaN (0 * NaN too)
      }
    }
    for (int64_t i = 0; i < len; ++i) {
      double* row = out + (begin + i) * k;
      double top = z[i];
      for (int64_t c = 1; c < k; ++c) top = std::max(top, z[c * len + i]);
      double total = 0;
      for (int64_t c = 0; c < k; ++c) total += (row[c] = std::exp(z[c * len + i] - top));
      for (int64_t c = 0; c < k; ++c) row[c] /= total;
      if (std::isnan(top))
        for (int64_t c = 0; c < k; ++c) row[c] = std::nan("");
    }
  });
}

Json SaveSoftmaxState(const SoftmaxState& state) {
  Json coef = Json::array();
  for (int64_t c = 0; c < state.classes; ++c)
    coef.push_back(std::vector<double>(state.coef.begin() + c * state.features,
                                       state.coef.begin() + (c + 1) * state.features));
  return {{"coef", coef}, {"intercept", state.intercept}, {"n_features", state.features}};
}

SoftmaxState LoadSoftmaxState(const std::string& kind, const Json& state, int64_t classes) {
  auto bad = [&](const std::string& why) {
    Fail(ErrorCode::kModel, kind + " state: " + why);
  };
  if (!state.is_object()) bad("must be an object");
  for (auto& [key, value] : state.items())
    if (key != "coef" && key != "intercept" && key != "n_features")
      bad("unknown key '" + key + "'");
  if (!state.contains("n_features") || !state["n_features"].is_number_integer() ||
      state["n_features"].get<int64_t>() < 0 || state["n_features"].get<int64_t>() > (1 << 24))
    bad("'n_features' must be a whole number from 0 to 16777216");
  SoftmaxState s;
  s.classes = classes;
  s.features = state["n_features"].get<int64_t>();
  const Json& coef = state.contains("coef") ? state["coef"] : Json();
  if (!coef.is_array() || static_cast<int64_t>(coef.size()) != classes)
    bad("'coef' must hold one row per class (" + std::to_string(classes) + ")");
  auto number = [&](const Json& v, const std::string& where) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) bad(where + " must be a finite number");
    return v.get<double>();
  };
  for (int64_t c = 0; c < classes; ++c) {
    const Json& row = coef[c];
    if (!row.is_array() || static_cast<int64_t>(row.size()) != s.features)
      bad("'coef[" + std::to_string(c) + "]' must hold n_features (" + std::to_string(s.features) +
          ") numbers");
    for (size_t j = 0; j < row.size(); ++j)
      s.coef.push_back(number(row[j], "'coef[" + std::to_string(c) + "][" + std::to_string(j) + "]'"));
  }
  const Json& intercept = state.contains("intercept") ? state["intercept"] : Json();
  if (!intercept.is_array() || static_cast<int64_t>(intercept.size()) != classes)
    bad("'intercept' must hold one number per class (" + std::to_string(classes) + ")");
  for (size_t c = 0; c < intercept.size(); ++c)
    s.intercept.push_back(number(intercept[c], "'intercept[" + std::to_string(c) + "]'"));
  return s;
}

}  // namespace outcore
