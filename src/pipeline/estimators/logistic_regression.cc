#include "pipeline/estimators/logistic_regression.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "pipeline/estimators/class_weight.h"
#include "pipeline/estimators/linear_model.h"
#include "pipeline/estimators/multinomial.h"
#include "pipeline/estimators/row_blocks.h"

namespace outcore {

namespace {

constexpr char kKind[] = "logistic_regression";

// Backtracking line search: sufficient-decrease constant and the most halvings of a step.
constexpr double kArmijo = 1e-4;
constexpr int kMaxHalvings = 50;
// A Newton decrement (the predicted decrease of the objective) below this fraction of the
// objective is lost in the objective's rounding, so a line search cannot judge the step: take
// the full Newton step, which that close to the optimum converges quadratically.
constexpr double kDecrementInRoundoff = 1e-12;
// Below this fraction there is nothing left to gain.
constexpr double kDecrementNegligible = 1e-20;

// The loss of one row, log(1 + exp(-m)) for the margin m = y * z (y = ±1), and its first two
// derivatives in m, each from one exp that cannot overflow.
inline double LossAt(double m) {
  const double log1p_e = std::log1p(std::exp(-std::abs(m)));
  return m >= 0 ? log1p_e : -m + log1p_e;
}

struct RowSlope {
  double p_wrong;    // sigmoid(-m): minus the derivative of the loss in m
  double curvature;  // sigmoid(m) * sigmoid(-m): the second derivative
};

inline RowSlope SlopeAt(double m) {
  const double e = std::exp(-std::abs(m));
  const double r = 1.0 / (1.0 + e);
  return {m >= 0 ? e * r : r, e * r * r};
}

inline double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);  // also NaN for NaN
}

// liblinear's problem: rows x_ext = [x, scaling] (no scaling column without an intercept),
// labels ±1, row weights v_i (1 without class_weight; liblinear's per-class C is C v_i);
// minimise 0.5 |w|^2 + C sum_i v_i log(1 + exp(-y_i w . x_ext_i)).
struct Problem {
  const Features& X;
  const std::vector<double>& y;  // 0/1
  const std::vector<double>& v;  // row weights; empty: every row weighs 1
  double c;
  bool intercept;
  double scaling;

  int64_t p() const { return static_cast<int64_t>(X.names.size()); }
  int64_t dims() const { return p() + (intercept ? 1 : 0); }
  static double Sign(double label) { return label > 0.5 ? 1.0 : -1.0; }
  double Weight(int64_t i) const { return v.empty() ? 1.0 : v[i]; }

  // |gradient| at w = 0, where every row has slope -sign/2: the scale of the stopping rule,
  // whatever the starting point.
  double GradientNormAtZero() const {
    std::vector<double> half_signs(X.rows);
    for (int64_t i = 0; i < X.rows; ++i) half_signs[i] = -0.5 * Sign(y[i]) * Weight(i);
    std::vector<double> sums = SumRowBlocks(X.rows, dims(), [&](int64_t begin, int64_t end, double* acc) {
      const int64_t len = end - begin;
      for (int64_t j = 0; j < p(); ++j) acc[j] += Dot(half_signs.data() + begin, X.col(j) + begin, len);
      if (intercept)
        for (int64_t i = begin; i < end; ++i) acc[p()] += scaling * half_signs[i];
    });
    double norm2 = 0;
    for (double g : sums) norm2 += (c * g) * (c * g);
    return std::sqrt(norm2);
  }

  // out = X_ext w.
  void Margins(const Eigen::VectorXd& w, std::vector<double>* out) const {
    double* margins = out->data();
    ForEachRowBlock(X.rows, [&](int64_t begin, int64_t end) {
      const double bias = intercept ? scaling * w[p()] : 0.0;
      for (int64_t i = begin; i < end; ++i) margins[i] = bias;
      for (int64_t j = 0; j < p(); ++j) {
        const double wj = w[j];
        const double* x = X.col(j);
        for (int64_t i = begin; i < end; ++i) margins[i] += wj * x[i];
      }
    });
  }

  // The objective at w + t * step, whose margins are z + t * dz.
  double Objective(const Eigen::VectorXd& w, const Eigen::VectorXd& step, double t,
                   const std::vector<double>& z, const std::vector<double>& dz) const {
    std::vector<double> loss =
        SumRowBlocks(X.rows, 1, [&](int64_t begin, int64_t end, double* acc) {
          double sum = 0;
          for (int64_t i = begin; i < end; ++i) sum += Weight(i) * LossAt(Sign(y[i]) * (z[i] + t * dz[i]));
          acc[0] += sum;
        });
    return 0.5 * (w + t * step).squaredNorm() + c * loss[0];
  }

  // Gradient and Hessian at w (margins z), and the objective unless `objective` is null (its
  // log1p is a fifth of the pass), in one pass over the rows.
  void Derivatives(const Eigen::VectorXd& w, const std::vector<double>& z, double* objective,
                   Eigen::VectorXd* gradient, Eigen::MatrixXd* hessian) const {
    const int64_t n_dims = dims();
    // Accumulators: [0] the loss; [1, 1 + dims) the gradient of the loss; then the lower
    // triangle of its Hessian, row by row: entry (j, k <= j) at 1 + dims + j (j + 1) / 2 + k.
    const auto tri = [&](int64_t j, int64_t k) { return 1 + n_dims + j * (j + 1) / 2 + k; };
    std::vector<double> sums =
        SumRowBlocks(X.rows, 1 + n_dims + n_dims * (n_dims + 1) / 2,
                     [&](int64_t begin, int64_t end, double* acc) {
                       const int64_t len = end - begin;
                       std::vector<double> slope(len), curvature(len), weighted(len);
                       double loss = 0, slope_sum = 0, curvature_sum = 0;
                       for (int64_t i = 0; i < len; ++i) {
                         const double sign = Sign(y[begin + i]);
                         const RowSlope row = SlopeAt(sign * z[begin + i]);
                         const double weight = Weight(begin + i);
                         slope[i] = -sign * row.p_wrong * weight;  // d loss / d z
                         curvature[i] = row.curvature * weight;
                         slope_sum += slope[i];
                         curvature_sum += curvature[i];
                       }
                       if (objective) {
                         for (int64_t i = 0; i < len; ++i)
                           loss += Weight(begin + i) * LossAt(Sign(y[begin + i]) * z[begin + i]);
                         acc[0] += loss;
                       }
                       for (int64_t j = 0; j < p(); ++j) {
                         const double* xj = X.col(j) + begin;
                         acc[1 + j] += Dot(slope.data(), xj, len);
                         for (int64_t i = 0; i < len; ++i) weighted[i] = curvature[i] * xj[i];
                         for (int64_t k = 0; k <= j; ++k) {
                           acc[tri(j, k)] += Dot(weighted.data(), X.col(k) + begin, len);
                         }
                         if (intercept)
                           acc[tri(p(), j)] += scaling * Dot(curvature.data(), xj, len);
                       }
                       if (intercept) {
                         acc[1 + p()] += scaling * slope_sum;
                         acc[tri(p(), p())] += scaling * scaling * curvature_sum;
                       }
                     });
    if (objective) *objective = 0.5 * w.squaredNorm() + c * sums[0];
    *gradient = w;
    *hessian = Eigen::MatrixXd::Identity(n_dims, n_dims);
    for (int64_t j = 0; j < n_dims; ++j) {
      (*gradient)[j] += c * sums[1 + j];
      for (int64_t k = 0; k <= j; ++k) {
        (*hessian)(j, k) += c * sums[tri(j, k)];
        (*hessian)(k, j) = (*hessian)(j, k);
      }
    }
  }
};

class LogisticRegression final : public Estimator {
 public:
  explicit LogisticRegression(const Json& params) {
    c_ = params.at("C").get<double>();
    tol_ = params.at("tol").get<double>();
    max_iter_ = params.at("max_iter").get<int64_t>();
    fit_intercept_ = params.at("fit_intercept").get<bool>();
    intercept_scaling_ = params.at("intercept_scaling").get<double>();
    multi_class_ = params.at("multi_class").get<std::string>();
    if (params.contains("class_weight")) class_weight_ = params["class_weight"];
  }

  std::string kind() const override { return kKind; }
  Json params() const override {
    Json out = {{"C", c_},
            {"tol", tol_},
            {"max_iter", max_iter_},
            {"fit_intercept", fit_intercept_},
            {"intercept_scaling", intercept_scaling_},
            {"multi_class", multi_class_}};
    if (!class_weight_.is_null()) out["class_weight"] = class_weight_;
    return out;
  }
  bool is_classifier() const override { return true; }
  void SetClasses(const std::vector<std::string>& classes) override {
    classes_ = static_cast<int64_t>(classes.size());
    class_names_ = classes;
  }
  int64_t n_outputs() const override { return classes_ > 2 ? classes_ : 1; }

  void Fit(const Features& X, const std::vector<double>& y) override {
    CheckFitInputs(kKind, X, y);
    CheckClassLabels(kKind, y, classes_);
    if (static_cast<int64_t>(class_names_.size()) != classes_) {  // SetClasses was not called
      class_names_.clear();
      for (int64_t c = 0; c < classes_; ++c) class_names_.push_back(std::to_string(c));
    }
    const std::vector<double> class_weights = ClassWeights(kKind, class_weight_, class_names_, y);
    softmax_ = SoftmaxState();
    ovr_.clear();
    if (Multinomial()) {
      SoftmaxFitOptions options{c_, fit_intercept_, tol_, max_iter_};
      softmax_ = FitSoftmax(X, y, RowWeights(class_weights, y), classes_, options, &fit_info_);
      return;
    }
    if (classes_ > 2) {  // one-vs-rest: class c against the others, with the binary solver
      Json infos = Json::array();
      std::vector<double> is_class(y.size()), v;
      for (int64_t c = 0; c < classes_; ++c) {
        for (size_t i = 0; i < y.size(); ++i) is_class[i] = y[i] == c ? 1.0 : 0.0;
        // As liblinear's one-vs-rest (scikit-learn's liblinear solver): class c's rows weigh
        // its class weight, the rest 1.
        if (!class_weights.empty()) {
          v.assign(y.size(), 1.0);
          for (size_t i = 0; i < y.size(); ++i)
            if (is_class[i] == 1.0) v[i] = class_weights[c];
        }
        ovr_.push_back(FitBinary(X, is_class, v));
        infos.push_back(fit_info_);
      }
      fit_info_ = {{"solver", "newton"}, {"multi_class", "ovr"}, {"per_class", infos}};
      return;
    }
    state_ = FitBinary(X, y, RowWeights(class_weights, y));
  }

  // The binary model of 0/1 labels y with row weights v (empty: 1), liblinear's objective.
  LinearState FitBinary(const Features& X, const std::vector<double>& y, const std::vector<double>& v) {
    const Problem problem{X, y, v, c_, fit_intercept_, intercept_scaling_};
    const Eigen::VectorXd start = WarmStart(X, y, v);
    const Json warm_info = fit_info_;
    const Eigen::VectorXd w = Solve(problem, start);
    if (!warm_info.empty()) fit_info_["warm_start"] = warm_info;
    LinearState fitted;
    fitted.coef.assign(w.data(), w.data() + problem.p());
    fitted.intercept = fit_intercept_ ? intercept_scaling_ * w[problem.p()] : 0.0;
    fitted.fitted = true;
    return fitted;
  }

  // The warm start's copy of every kStride-th row, a few vectors of one value per row, and
  // the dense Hessian with its factorisation.
  int64_t FitBytes(int64_t rows, int64_t features) const override {
    const int64_t dims = features + 1;
    return (rows >= kWarmMinRows ? rows / kWarmStride * features : 0) * 8 + 8 * rows * 8 +
           3 * dims * dims * 8;
  }

  void Predict(const Features& X, double* out) const override {
    if (Multinomial()) {
      if (softmax_.classes == 0) Fail(ErrorCode::kModel, std::string(kKind) + " is not fitted");
      if (classes_ > 2) return PredictSoftmax(softmax_, X, out);
      std::vector<double> both(2 * X.rows);  // binary: P(class 1) of the two-class softmax
      PredictSoftmax(softmax_, X, both.data());
      for (int64_t i = 0; i < X.rows; ++i) out[i] = both[2 * i + 1];
      return;
    }
    if (classes_ > 2) {  // one-vs-rest: each class's sigmoid, normalised over the classes
      if (ovr_.empty()) Fail(ErrorCode::kModel, std::string(kKind) + " is not fitted");
      std::vector<double> p(X.rows);
      for (int64_t c = 0; c < classes_; ++c) {
        PredictLinear(kKind, ovr_[c], X, p.data());
        for (int64_t i = 0; i < X.rows; ++i) out[i * classes_ + c] = Sigmoid(p[i]);
      }
      for (int64_t i = 0; i < X.rows; ++i) {
        double total = 0;
        for (int64_t c = 0; c < classes_; ++c) total += out[i * classes_ + c];
        for (int64_t c = 0; c < classes_; ++c) out[i * classes_ + c] /= total;
      }
      return;
    }
    PredictLinear(kKind, state_, X, out);
    for (int64_t i = 0; i < X.rows; ++i) out[i] = Sigmoid(out[i]);
  }

  // A binary model keeps the state of earlier versions; more classes, or multinomial, say so.
  Json SaveState() const override {
    if (!Multinomial() && classes_ == 2) return SaveLinearState(state_);
    Json state = {{"multi_class", Multinomial() ? "multinomial" : "ovr"}, {"n_classes", classes_}};
    if (Multinomial()) {
      state.update(SaveSoftmaxState(softmax_));
    } else {
      state["models"] = Json::array();
      for (const auto& m : ovr_) state["models"].push_back(SaveLinearState(m));
    }
    return state;
  }
  void LoadState(const Json& state) override {
    if (!state.is_object() || !state.contains("multi_class")) {
      if (multi_class_ == "multinomial")
        Fail(ErrorCode::kModel, std::string(kKind) + " state: multi_class 'multinomial' needs "
                                "a multinomial state (its 'multi_class' key)");
      classes_ = 2;
      state_ = LoadLinearState(kKind, state);
      return;
    }
    const Json& kind = state["multi_class"];
    const bool multinomial = kind == "multinomial";
    if (!multinomial && kind != "ovr")
      Fail(ErrorCode::kModel, std::string(kKind) + " state: 'multi_class' must be multinomial or ovr");
    if (multinomial != Multinomial(classes_ = ClassCount(state)))
      Fail(ErrorCode::kModel, std::string(kKind) + " state: a " + kind.get<std::string>() +
                                  " state does not match multi_class '" + multi_class_ + "'");
    if (multinomial) {
      Json rest = state;
      rest.erase("multi_class");
      rest.erase("n_classes");
      softmax_ = LoadSoftmaxState(kKind, rest, classes_);
      return;
    }
    for (auto& [key, value] : state.items())
      if (key != "multi_class" && key != "n_classes" && key != "models")
        Fail(ErrorCode::kModel, std::string(kKind) + " state: unknown key '" + key + "'");
    const Json& models = state.contains("models") ? state["models"] : Json();
    if (!models.is_array() || static_cast<int64_t>(models.size()) != classes_)
      Fail(ErrorCode::kModel, std::string(kKind) + " state: 'models' must hold one binary model "
                              "per class (" + std::to_string(classes_) + ")");
    ovr_.clear();
    for (const auto& m : models) ovr_.push_back(LoadLinearState(kKind, m));
    for (const auto& m : ovr_)
      if (m.coef.size() != ovr_[0].coef.size())
        Fail(ErrorCode::kModel, std::string(kKind) + " state: the per-class models differ in features");
  }
  Json FitInfo() const override { return fit_info_; }
  void LoadFitInfo(const Json& info) override { fit_info_ = info; }

 private:
  bool Multinomial() const { return Multinomial(classes_); }
  bool Multinomial(int64_t classes) const {
    return multi_class_ == "multinomial" || (multi_class_ == "auto" && classes > 2);
  }

  static int64_t ClassCount(const Json& state) {
    const Json& k = state.contains("n_classes") ? state["n_classes"] : Json();
    if (!k.is_number_integer() || k.get<int64_t>() < 2 || k.get<int64_t>() > kMaxClasses)
      Fail(ErrorCode::kModel, std::string(kKind) + " state: 'n_classes' must be a whole number from 2 to " +
                                  std::to_string(kMaxClasses));
    return k.get<int64_t>();
  }

  // A starting point for large problems: every kStride-th row, with C scaled by kStride, has
  // nearly the same objective, and Newton's method on it costs 1/kStride per iteration. From
  // its solution the full problem needs only the last, quadratically converging steps; the
  // answer is the full problem's optimum either way (same stopping rule).
  static constexpr int64_t kWarmStride = 8, kWarmMinRows = 1 << 18;
  Eigen::VectorXd WarmStart(const Features& X, const std::vector<double>& y, const std::vector<double>& v) {
    constexpr int64_t kStride = kWarmStride, kMinRows = kWarmMinRows;
    const int64_t dims = static_cast<int64_t>(X.names.size()) + (fit_intercept_ ? 1 : 0);
    fit_info_ = Json::object();
    if (X.rows < kMinRows) return Eigen::VectorXd::Zero(dims);
    Features sub;
    sub.names = X.names;
    sub.rows = (X.rows + kStride - 1) / kStride;
    sub.values.resize(static_cast<size_t>(sub.rows) * X.names.size());
    std::vector<double> sub_y(sub.rows), sub_v(v.empty() ? 0 : sub.rows);
    for (size_t i = 0; i < sub_v.size(); ++i) sub_v[i] = v[i * kStride];
    for (size_t j = 0; j < X.names.size(); ++j)
      for (int64_t i = 0; i < sub.rows; ++i) sub.col(j)[i] = X.col(j)[i * kStride];
    int64_t positives = 0;
    for (int64_t i = 0; i < sub.rows; ++i) positives += (sub_y[i] = y[i * kStride]) == 1.0;
    if (positives == 0 || positives == sub.rows) return Eigen::VectorXd::Zero(dims);
    const Problem coarse{sub, sub_y, sub_v, c_ * kStride, fit_intercept_, intercept_scaling_};
    return Solve(coarse, Eigen::VectorXd::Zero(dims));
  }

  // Newton's method with a backtracking line search on the objective, from `start`. Returns
  // the iterate with the smallest gradient and records how the solve went in fit_info_.
  Eigen::VectorXd Solve(const Problem& problem, const Eigen::VectorXd& start) {
    Eigen::VectorXd w = start;
    std::vector<double> z(problem.X.rows, 0.0), dz(problem.X.rows);
    const bool warm = !w.isZero(0);
    if (warm) problem.Margins(w, &z);
    Eigen::VectorXd gradient, best_w = w;
    Eigen::MatrixXd hessian;
    double objective = 0, best_objective = 0, initial_norm = 0, best_norm = 0;
    bool converged = false, objective_known = false;
    std::string stop_reason = "max_iter";
    int64_t iterations = 0;
    for (;; ++iterations) {
      problem.Derivatives(w, z, objective_known ? nullptr : &objective, &gradient, &hessian);
      const double norm = gradient.norm();
      if (iterations == 0) initial_norm = warm ? problem.GradientNormAtZero() : norm;
      if (iterations == 0 || norm < best_norm) {
        best_w = w;
        best_norm = norm;
        best_objective = objective;
      }
      if (norm <= tol_ * initial_norm) {
        converged = true;
        stop_reason = "gradient";
        break;
      }
      if (iterations == max_iter_) break;

      const Eigen::LLT<Eigen::MatrixXd> llt(hessian);  // I + C X'DX: positive definite
      if (llt.info() != Eigen::Success) {
        stop_reason = "hessian_not_positive_definite";
        break;
      }
      const Eigen::VectorXd step = -llt.solve(gradient);
      const double decrement = -gradient.dot(step);
      if (!std::isfinite(decrement)) {
        stop_reason = "numerical_error";
        break;
      }
      const double scale = std::max(1.0, std::abs(objective));
      if (decrement <= kDecrementNegligible * scale) {
        converged = true;
        stop_reason = "newton_decrement";
        break;
      }
      problem.Margins(step, &dz);
      double t = 1.0;
      objective_known = false;
      if (decrement > kDecrementInRoundoff * scale) {
        double trial = problem.Objective(w, step, t, z, dz);
        for (int halvings = 0; !(trial <= objective - kArmijo * t * decrement); ++halvings) {
          if (halvings == kMaxHalvings) break;
          t *= 0.5;
          trial = problem.Objective(w, step, t, z, dz);
        }
        if (!(trial <= objective - kArmijo * t * decrement)) {
          stop_reason = "line_search";
          break;
        }
        objective = trial;
        objective_known = true;
      }
      w += t * step;
      for (size_t i = 0; i < z.size(); ++i) z[i] += t * dz[i];
    }
    fit_info_ = SolveRecord("newton", iterations, converged, stop_reason, best_objective,
                            best_norm, initial_norm);
    return best_w;
  }

  double c_ = 1.0;
  double tol_ = 1e-10;
  int64_t max_iter_ = 100;
  bool fit_intercept_ = true;
  double intercept_scaling_ = 1.0;
  std::string multi_class_ = "auto";
  Json class_weight_;  // null: every row weighs 1
  int64_t classes_ = 2;
  std::vector<std::string> class_names_;
  LinearState state_;             // binary, not multinomial
  SoftmaxState softmax_;          // multinomial
  std::vector<LinearState> ovr_;  // one-vs-rest: one binary model per class
  Json fit_info_ = Json::object();
};

}  // namespace

std::unique_ptr<Estimator> MakeLogisticRegression(const Json& params) {
  return std::make_unique<LogisticRegression>(params);
}

}  // namespace outcore
