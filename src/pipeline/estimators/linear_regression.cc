#include "pipeline/estimators/linear_regression.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <cmath>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "outcore/error.h"
#include "pipeline/estimators/linear_model.h"
#include "pipeline/estimators/row_blocks.h"

namespace outcore {

namespace {

// A centred column whose sum of squares is below this fraction of its raw sum of squares is
// constant up to rounding (std < 1e-10 |mean|): it gets coefficient 0.
constexpr double kConstantColumn = 1e-20;
// Directions whose eigenvalue in the unit-diagonal Gram matrix is below this fraction of the
// largest count as exact collinearity (singular values of the column-scaled X below ~3e-6 of the
// largest). Rounding leaves exact collinearity at ~1e-14; features genuinely this close to
// collinear would get coefficients made of noise.
constexpr double kRankTolerance = 1e-11;

// X'X and X'y of the centred data (raw data without an intercept).
struct NormalEquations {
  Eigen::MatrixXd gram;
  Eigen::VectorXd rhs;
  Eigen::VectorXd x_mean;  // zero without an intercept
  double y_mean = 0;
};

NormalEquations Accumulate(const Features& X, const std::vector<double>& y, bool center) {
  const int64_t p = static_cast<int64_t>(X.names.size());
  NormalEquations eq;
  eq.x_mean = Eigen::VectorXd::Zero(p);
  if (center) {
    std::vector<double> sums =
        SumRowBlocks(X.rows, p + 1, [&](int64_t begin, int64_t end, double* acc) {
          for (int64_t j = 0; j <= p; ++j) {
            const double* v = j < p ? X.col(j) : y.data();
            double sum = 0;
            for (int64_t i = begin; i < end; ++i) sum += v[i];
            acc[j] += sum;
          }
        });
    for (int64_t j = 0; j < p; ++j) eq.x_mean[j] = sums[j] / X.rows;
    eq.y_mean = sums[p] / X.rows;
  }
  // Accumulators: [0, p) X'y, then the lower triangle of X'X: (j, k <= j) at p + j(j+1)/2 + k.
  const auto tri = [p](int64_t j, int64_t k) { return p + j * (j + 1) / 2 + k; };
  std::vector<double> sums =
      SumRowBlocks(X.rows, p + p * (p + 1) / 2, [&](int64_t begin, int64_t end, double* acc) {
        const int64_t len = end - begin;
        std::vector<double> xc(p * len), yc(len);
        for (int64_t i = 0; i < len; ++i) yc[i] = y[begin + i] - eq.y_mean;
        for (int64_t j = 0; j < p; ++j) {
          const double* x = X.col(j) + begin;
          const double mean = eq.x_mean[j];
          for (int64_t i = 0; i < len; ++i) xc[j * len + i] = x[i] - mean;
        }
        for (int64_t j = 0; j < p; ++j) {
          acc[j] += Dot(&xc[j * len], yc.data(), len);
          for (int64_t k = 0; k <= j; ++k) acc[tri(j, k)] += Dot(&xc[j * len], &xc[k * len], len);
        }
      });
  eq.gram.resize(p, p);
  eq.rhs.resize(p);
  for (int64_t j = 0; j < p; ++j) {
    eq.rhs[j] = sums[j];
    for (int64_t k = 0; k <= j; ++k) eq.gram(j, k) = eq.gram(k, j) = sums[tri(j, k)];
  }
  return eq;
}

// The least-squares coefficients of least norm (what scikit-learn's LinearRegression returns).
// Rank is judged on the unit-diagonal Gram matrix, so that units do not pass for collinearity;
// the least-norm solution is then the one orthogonal to the null space of X.
Eigen::VectorXd MinNormSolve(const NormalEquations& eq, int64_t rows, int64_t* rank) {
  const int64_t p = eq.gram.rows();
  std::vector<int64_t> active;
  for (int64_t j = 0; j < p; ++j) {
    const double centred = eq.gram(j, j);
    const double raw = centred + rows * eq.x_mean[j] * eq.x_mean[j];
    if (centred > kConstantColumn * raw) active.push_back(j);
  }
  const int64_t q = static_cast<int64_t>(active.size());
  Eigen::VectorXd inv_scale(q), scaled_rhs(q);
  Eigen::MatrixXd scaled(q, q);
  for (int64_t a = 0; a < q; ++a) inv_scale[a] = 1.0 / std::sqrt(eq.gram(active[a], active[a]));
  for (int64_t a = 0; a < q; ++a) {
    scaled_rhs[a] = inv_scale[a] * eq.rhs[active[a]];
    for (int64_t b = 0; b < q; ++b) {
      scaled(a, b) = inv_scale[a] * eq.gram(active[a], active[b]) * inv_scale[b];
    }
  }
  Eigen::VectorXd w_active = Eigen::VectorXd::Zero(q);
  *rank = 0;
  if (q > 0) {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(scaled);
    const Eigen::VectorXd& values = eigen.eigenvalues();
    const Eigen::MatrixXd& vectors = eigen.eigenvectors();
    const double threshold = kRankTolerance * values.maxCoeff();
    Eigen::MatrixXd null_space(q, 0);
    for (int64_t i = 0; i < q; ++i) {
      if (values[i] > threshold) {
        w_active += vectors.col(i) * (vectors.col(i).dot(scaled_rhs) / values[i]);
        ++*rank;
      } else {
        null_space.conservativeResize(Eigen::NoChange, null_space.cols() + 1);
        null_space.col(null_space.cols() - 1) = inv_scale.asDiagonal() * vectors.col(i);
      }
    }
    w_active = inv_scale.asDiagonal() * w_active;
    if (null_space.cols() > 0) {
      const Eigen::HouseholderQR<Eigen::MatrixXd> qr(null_space);
      const Eigen::MatrixXd basis =
          qr.householderQ() * Eigen::MatrixXd::Identity(q, null_space.cols());
      w_active -= basis * (basis.transpose() * w_active);
    }
  }
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  for (int64_t a = 0; a < q; ++a) w[active[a]] = w_active[a];
  return w;
}

// (X'X + alpha I) w = X'y for alpha > 0: positive definite.
Eigen::VectorXd RidgeSolve(const NormalEquations& eq, double alpha) {
  const int64_t p = eq.gram.rows();
  const Eigen::MatrixXd system = eq.gram + alpha * Eigen::MatrixXd::Identity(p, p);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(system);
  if (ldlt.info() != Eigen::Success) {
    Fail(ErrorCode::kInternal, "ridge: the regularised normal equations could not be solved");
  }
  return ldlt.solve(eq.rhs);
}

// Least squares with an optional L2 penalty on the coefficients (never on the intercept).
// kind "linear_regression" has no alpha; "ridge" has alpha (0 = linear_regression).
class LeastSquares final : public Estimator {
 public:
  LeastSquares(std::string kind, const Json& params) : kind_(std::move(kind)) {
    fit_intercept_ = params.at("fit_intercept").get<bool>();
    if (kind_ == "ridge") alpha_ = params.at("alpha").get<double>();
  }

  std::string kind() const override { return kind_; }
  Json params() const override {
    Json out = {{"fit_intercept", fit_intercept_}};
    if (kind_ == "ridge") out["alpha"] = alpha_;
    return out;
  }
  bool is_classifier() const override { return false; }

  void Fit(const Features& X, const std::vector<double>& y) override {
    CheckFitInputs(kind_, X, y);
    const NormalEquations eq = Accumulate(X, y, fit_intercept_);
    int64_t rank = eq.gram.rows();
    const Eigen::VectorXd w = alpha_ > 0 ? RidgeSolve(eq, alpha_) : MinNormSolve(eq, X.rows, &rank);
    state_.coef.assign(w.data(), w.data() + w.size());
    state_.intercept = fit_intercept_ ? eq.y_mean - eq.x_mean.dot(w) : 0.0;
    state_.fitted = true;
    fit_info_ = {{"solver", alpha_ > 0 ? "cholesky" : "min_norm_eigen"}, {"rank", rank}};
  }

  // Per-thread accumulators of X'X (a triangle each), the Gram matrix and the solver's copies
  // of it, and a few vectors of one value per row.
  int64_t FitBytes(int64_t rows, int64_t features) const override {
    const int64_t dims = features + 1;
    const int64_t threads = std::max(1u, std::thread::hardware_concurrency());
    return (threads + 4) * dims * dims * 8 + 4 * rows * 8;
  }

  void Predict(const Features& X, double* out) const override {
    PredictLinear(kind_, state_, X, out);
  }
  Json SaveState() const override { return SaveLinearState(state_); }
  void LoadState(const Json& state) override { state_ = LoadLinearState(kind_, state); }
  Json FitInfo() const override { return fit_info_; }
  void LoadFitInfo(const Json& info) override { fit_info_ = info; }

 private:
  std::string kind_;
  bool fit_intercept_ = true;
  double alpha_ = 0;
  LinearState state_;
  Json fit_info_ = Json::object();
};

}  // namespace

std::unique_ptr<Estimator> MakeLinearRegression(const Json& params) {
  return std::make_unique<LeastSquares>("linear_regression", params);
}

std::unique_ptr<Estimator> MakeRidge(const Json& params) {
  return std::make_unique<LeastSquares>("ridge", params);
}

}  // namespace outcore
