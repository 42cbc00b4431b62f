// Tests of the estimators against independent references: a gradient-descent solution and the
// optimality conditions of liblinear's objective, closed forms for least squares, and (through
// python3) scikit-learn itself.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"
#include "pipeline/estimators/register.h"

namespace outcore {
namespace {

using Vector = std::vector<double>;
using Matrix = std::vector<Vector>;  // row-major, small

std::unique_ptr<Estimator> Make(const std::string& kind, const Json& params = Json::object()) {
  std::vector<Registration<Estimator>> registry;
  RegisterEstimators(&registry);
  for (const auto& r : registry) {
    if (r.kind == kind) return r.make(params);
  }
  ADD_FAILURE() << "no estimator " << kind;
  return nullptr;
}

// The code of the Error that fn throws, or kNoError.
constexpr ErrorCode kNoError = static_cast<ErrorCode>(0);

ErrorCode CodeOf(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return kNoError;
}

Vector PredictAll(const Estimator& model, const Features& X) {
  Vector out(X.rows);
  model.Predict(X, out.data());
  return out;
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Rows of `numeric` standard normal features followed by a one-hot encoding of a category
// with `categories` levels (of unequal frequency): the one-hot columns sum to 1 in every row,
// collinear with the intercept. Labels are drawn from a logistic model; `target` gets a
// continuous response of a linear model with noise.
struct Data {
  Features X;
  Vector labels;
  Vector target;
};

// `effect` scales the logistic model's margins (larger: nearly separable classes).
Data MakeData(int64_t rows, int numeric, int categories, uint64_t seed, double effect = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Data d;
  d.X.rows = rows;
  for (int j = 0; j < numeric; ++j) d.X.names.push_back("x" + std::to_string(j));
  for (int c = 0; c < categories; ++c) d.X.names.push_back("cat_" + std::to_string(c));
  d.X.values.assign(rows * d.X.names.size(), 0.0);
  d.labels.resize(rows);
  d.target.resize(rows);
  for (int64_t i = 0; i < rows; ++i) {
    double z = 0.3, t = 2.0;
    for (int j = 0; j < numeric; ++j) {
      const double x = normal(rng);
      d.X.col(j)[i] = x;
      z += (j % 2 ? -0.7 : 0.9) * x / (1 + j);
      t += (1.5 - j) * x;
    }
    if (categories > 0) {
      // Level c with probability proportional to c + 1.
      double u = uniform(rng) * categories * (categories + 1) / 2.0;
      int c = 0;
      while (c + 1 < categories && u >= c + 1) u -= ++c;
      d.X.col(numeric + c)[i] = 1.0;
      z += 0.4 * (c - categories / 2.0) / categories;
      t += 0.5 * c;
    }
    d.labels[i] = uniform(rng) < Sigmoid(effect * z) ? 1.0 : 0.0;
    d.target[i] = t + 0.1 * normal(rng);
  }
  return d;
}

// A copy of X without column `drop`.
Features DropColumn(const Features& X, size_t drop) {
  Features out;
  out.rows = X.rows;
  for (size_t j = 0; j < X.names.size(); ++j) {
    if (j == drop) continue;
    out.names.push_back(X.names[j]);
    out.values.insert(out.values.end(), X.col(j), X.col(j) + X.rows);
  }
  return out;
}

// Gaussian elimination with partial pivoting, in long double.
Vector SolveDense(Matrix a, Vector b) {
  const size_t n = b.size();
  std::vector<std::vector<long double>> m;  // [a | b]
  for (size_t i = 0; i < n; ++i) {
    m.emplace_back(a[i].begin(), a[i].end());
    m.back().push_back(b[i]);
  }
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    }
    std::swap(m[col], m[pivot]);
    for (size_t r = 0; r < n; ++r) {
      if (r == col) continue;
      const long double f = m[r][col] / m[col][col];
      for (size_t c = col; c <= n; ++c) m[r][c] -= f * m[col][c];
    }
  }
  Vector x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<double>(m[i][n] / m[i][i]);
  return x;
}

// The rows of X with a constant column `scaling` appended (liblinear's extended rows).
double ExtendedValue(const Features& X, int64_t i, size_t j, double scaling) {
  return j < X.names.size() ? X.col(j)[i] : scaling;
}

// Gradient of 0.5 |w|^2 + C sum log(1 + exp(-y_i w . x_ext_i)), in long double.
Vector LiblinearGradient(const Features& X, const Vector& labels, const Vector& w, double c,
                         double scaling) {
  const size_t dims = w.size();
  std::vector<long double> g(dims, 0.0L);
  for (int64_t i = 0; i < X.rows; ++i) {
    long double z = 0;
    for (size_t j = 0; j < dims; ++j) z += w[j] * ExtendedValue(X, i, j, scaling);
    const long double sign = labels[i] > 0.5 ? 1 : -1;
    const long double wrong = 1.0L / (1.0L + std::exp(sign * z));  // sigmoid(-y z)
    for (size_t j = 0; j < dims; ++j) g[j] -= sign * wrong * ExtendedValue(X, i, j, scaling);
  }
  Vector out(dims);
  for (size_t j = 0; j < dims; ++j) out[j] = static_cast<double>(w[j] + c * g[j]);
  return out;
}

double Norm(const Vector& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

// The fitted liblinear weights: coef, then intercept / scaling.
Vector ExtendedWeights(const Estimator& model, double scaling) {
  Json state = model.SaveState();
  Vector w = state["coef"].get<Vector>();
  w.push_back(state["intercept"].get<double>() / scaling);
  return w;
}

// ---------------------------------------------------------------------------------------
// logistic_regression

TEST(LogisticRegression, MatchesGradientDescentReference) {
  const Data d = MakeData(400, 3, 0, 1);
  const double c = 1.0;
  auto model = Make("logistic_regression");
  model->Fit(d.X, d.labels);
  const Vector ours = ExtendedWeights(*model, 1.0);

  // Plain gradient descent with step 1/L, L >= the largest Hessian eigenvalue.
  double lipschitz = 1;
  for (int64_t i = 0; i < d.X.rows; ++i) {
    for (size_t j = 0; j <= 3; ++j) lipschitz += c / 4 * std::pow(ExtendedValue(d.X, i, j, 1), 2);
  }
  Vector w(4, 0.0);
  int iterations = 0;
  for (; iterations < 200000; ++iterations) {
    const Vector g = LiblinearGradient(d.X, d.labels, w, c, 1.0);
    if (Norm(g) < 1e-12) break;
    for (size_t j = 0; j < w.size(); ++j) w[j] -= g[j] / lipschitz;
  }
  ASSERT_LT(Norm(LiblinearGradient(d.X, d.labels, w, c, 1.0)), 1e-11) << "reference unconverged";
  for (size_t j = 0; j < w.size(); ++j) EXPECT_NEAR(ours[j], w[j], 1e-9) << "weight " << j;

  const Vector p = PredictAll(*model, d.X);
  double worst = 0;
  for (int64_t i = 0; i < d.X.rows; ++i) {
    double z = w[3];
    for (size_t j = 0; j < 3; ++j) z += w[j] * d.X.col(j)[i];
    worst = std::max(worst, std::abs(p[i] - Sigmoid(z)));
  }
  EXPECT_LT(worst, 1e-10);
  EXPECT_TRUE(model->FitInfo()["converged"].get<bool>());
}

TEST(LogisticRegression, SatisfiesOptimalityConditions) {
  // Non-default C and intercept_scaling: the bias weight is penalised in liblinear's units.
  const Data d = MakeData(1000, 4, 0, 2);
  const double c = 0.3, scaling = 2.5;
  auto model = Make("logistic_regression", {{"C", c}, {"intercept_scaling", scaling}});
  model->Fit(d.X, d.labels);
  const Vector g = LiblinearGradient(d.X, d.labels, ExtendedWeights(*model, scaling), c, scaling);
  EXPECT_LT(Norm(g), 1e-8);
  const Json info = model->FitInfo();
  EXPECT_TRUE(info["converged"].get<bool>());
  EXPECT_LT(info["relative_gradient_norm"].get<double>(), 1e-10);
  EXPECT_NEAR(info["gradient_norm"].get<double>(), Norm(g), 1e-8);

  // Without an intercept there is no bias weight.
  auto no_bias = Make("logistic_regression", {{"C", c}, {"fit_intercept", false}});
  no_bias->Fit(d.X, d.labels);
  EXPECT_EQ(no_bias->SaveState()["intercept"].get<double>(), 0.0);
  Vector w = no_bias->SaveState()["coef"].get<Vector>();
  EXPECT_LT(Norm(LiblinearGradient(d.X, d.labels, w, c, 1.0)), 1e-8);
}

TEST(LogisticRegression, CollinearOneHotConverges) {
  // 7 one-hot columns sum to the intercept's column: the fit is determined by the penalty alone.
  const Data d = MakeData(20000, 5, 7, 3);
  auto model = Make("logistic_regression");
  model->Fit(d.X, d.labels);
  const Json info = model->FitInfo();
  EXPECT_TRUE(info["converged"].get<bool>()) << info.dump();
  EXPECT_LT(info["iterations"].get<int>(), 50) << info.dump();

  const Vector w = ExtendedWeights(*model, 1.0);
  const Vector g = LiblinearGradient(d.X, d.labels, w, 1.0, 1.0);
  const Vector g0 = LiblinearGradient(d.X, d.labels, Vector(w.size(), 0.0), 1.0, 1.0);
  EXPECT_LT(Norm(g), 1e-9 * Norm(g0));
  // At the optimum the penalty splits the level effects evenly between bias and one-hot
  // weights: the bias equals the sum of the one-hot weights (gradient along their null
  // direction is w_bias - sum(w_cat) = 0).
  double cat_sum = 0;
  for (int c = 0; c < 7; ++c) cat_sum += w[5 + c];
  EXPECT_NEAR(w.back(), cat_sum, 1e-8);

  // Stable: the same rows in another order (another rounding) give the same probabilities.
  Features shuffled = d.X;
  Vector shuffled_labels(d.labels.size());
  std::vector<int64_t> order(d.X.rows);
  for (int64_t i = 0; i < d.X.rows; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(4));
  for (int64_t i = 0; i < d.X.rows; ++i) {
    for (size_t j = 0; j < d.X.names.size(); ++j) shuffled.col(j)[i] = d.X.col(j)[order[i]];
    shuffled_labels[i] = d.labels[order[i]];
  }
  auto again = Make("logistic_regression");
  again->Fit(shuffled, shuffled_labels);
  const Vector p = PredictAll(*model, d.X), q = PredictAll(*again, d.X);
  for (int64_t i = 0; i < d.X.rows; ++i) ASSERT_NEAR(p[i], q[i], 1e-11) << "row " << i;
}

TEST(LogisticRegression, MaxIterReachedReturnsIterate) {
  const Data d = MakeData(2000, 5, 7, 5);
  auto model = Make("logistic_regression", {{"max_iter", 1}});
  model->Fit(d.X, d.labels);
  const Json info = model->FitInfo();
  EXPECT_FALSE(info["converged"].get<bool>());
  EXPECT_EQ(info["iterations"].get<int>(), 1);
  EXPECT_EQ(info["stop_reason"].get<std::string>(), "max_iter");
  for (double p : PredictAll(*model, d.X)) EXPECT_TRUE(p > 0 && p < 1);
}

TEST(LogisticRegression, ExtremeMarginsStayFinite) {
  // Separable data with a weak penalty: margins in the hundreds must not overflow.
  Features X;
  X.rows = 200;
  X.names = {"x"};
  Vector y(200);
  for (int i = 0; i < 200; ++i) {
    X.values.push_back(i < 100 ? -50.0 - i : 50.0 + i);
    y[i] = i < 100 ? 0 : 1;
  }
  auto model = Make("logistic_regression", {{"C", 1e6}});
  model->Fit(X, y);
  const Json info = model->FitInfo();
  EXPECT_TRUE(info["converged"].get<bool>()) << info.dump();
  EXPECT_TRUE(std::isfinite(info["objective"].get<double>())) << info.dump();
  const Vector p = PredictAll(*model, X);
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(i < 100 ? p[i] < 1e-3 : p[i] > 1 - 1e-3) << i;
  const Vector g = LiblinearGradient(X, y, ExtendedWeights(*model, 1.0), 1e6, 1.0);
  const Vector g0 = LiblinearGradient(X, y, {0.0, 0.0}, 1e6, 1.0);
  EXPECT_LT(Norm(g), 1e-9 * Norm(g0));
}

// ---------------------------------------------------------------------------------------
// Contract shared by all three estimators.

struct Case {
  std::string kind;
  Json params;
  bool classifier;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"logistic_regression", Json::object(), true},
      {"linear_regression", Json::object(), false},
      {"ridge", Json{{"alpha", 3.0}}, false},
  };
  return cases;
}

const Vector& TargetFor(const Case& c, const Data& d) { return c.classifier ? d.labels : d.target; }

TEST(Estimators, SameCoefficientsOnOneAndTwoThreads) {
  const Data d = MakeData(50000, 5, 7, 6);  // 13 row blocks
  for (const Case& c : Cases()) {
    Vector coef[2];
    double intercept[2];
    for (int threads : {1, 2}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      auto model = Make(c.kind, c.params);
      model->Fit(d.X, TargetFor(c, d));
      coef[threads - 1] = model->SaveState()["coef"].get<Vector>();
      intercept[threads - 1] = model->SaveState()["intercept"].get<double>();
    }
    ASSERT_EQ(coef[0].size(), coef[1].size());
    EXPECT_EQ(std::memcmp(coef[0].data(), coef[1].data(), coef[0].size() * sizeof(double)), 0)
        << c.kind;
    EXPECT_EQ(std::memcmp(&intercept[0], &intercept[1], sizeof(double)), 0) << c.kind;
  }
}

TEST(Estimators, SaveLoadGivesIdenticalPredictions) {
  const Data d = MakeData(3000, 3, 4, 7);
  for (const Case& c : Cases()) {
    auto model = Make(c.kind, c.params);
    EXPECT_EQ(model->is_classifier(), c.classifier) << c.kind;
    model->Fit(d.X, TargetFor(c, d));
    const Json state = model->SaveState();
    EXPECT_EQ(state["n_features"].get<int>(), 7);
    auto loaded = Make(c.kind, c.params);
    loaded->LoadState(Json::parse(state.dump()));  // through text, as in a model file
    const Vector before = PredictAll(*model, d.X), after = PredictAll(*loaded, d.X);
    EXPECT_EQ(std::memcmp(before.data(), after.data(), before.size() * sizeof(double)), 0)
        << c.kind;
  }
}

TEST(Estimators, BadStateIsRejected) {
  const Json good = {{"coef", {1.0, 2.0}}, {"intercept", 0.5}, {"n_features", 2}};
  std::vector<std::pair<std::string, Json>> bad = {
      {"not an object", Json::array({1, 2})},
      {"missing coef", {{"intercept", 0.5}, {"n_features", 2}}},
      {"missing intercept", {{"coef", {1.0, 2.0}}, {"n_features", 2}}},
      {"missing n_features", {{"coef", {1.0, 2.0}}, {"intercept", 0.5}}},
      {"wrong length", {{"coef", {1.0, 2.0}}, {"intercept", 0.5}, {"n_features", 3}}},
      {"negative n_features", {{"coef", Json::array()}, {"intercept", 0.5}, {"n_features", -1}}},
      {"text coef", {{"coef", {1.0, "2"}}, {"intercept", 0.5}, {"n_features", 2}}},
      {"NaN coef", {{"coef", {1.0, std::nan("")}}, {"intercept", 0.5}, {"n_features", 2}}},
      {"infinite intercept",
       {{"coef", {1.0, 2.0}},
        {"intercept", std::numeric_limits<double>::infinity()},
        {"n_features", 2}}},
      {"unknown key", {{"coef", {1.0, 2.0}}, {"intercept", 0.5}, {"n_features", 2}, {"x", 1}}},
  };
  for (const Case& c : Cases()) {
    auto model = Make(c.kind, c.params);
    model->LoadState(good);
    for (const auto& [what, state] : bad) {
      std::string message;
      EXPECT_EQ(CodeOf([&, &state = state] { model->LoadState(state); }, &message), ErrorCode::kModel)
          << c.kind << ": " << what;
      EXPECT_NE(message.find(c.kind), std::string::npos) << message;
    }
    // A model fitted on 2 features refuses 3.
    Features X;
    X.rows = 1;
    X.names = {"a", "b", "c"};
    X.values = {1, 2, 3};
    double out;
    EXPECT_EQ(CodeOf([&] { model->Predict(X, &out); }), ErrorCode::kSchema) << c.kind;
    // Unfitted models refuse to predict.
    auto fresh = Make(c.kind, c.params);
    EXPECT_EQ(CodeOf([&] { fresh->Predict(X, &out); }), ErrorCode::kModel) << c.kind;
  }
}

TEST(Estimators, MissingFeatureValuesAreReported) {
  Data d = MakeData(100, 3, 0, 8);
  d.X.col(1)[5] = d.X.col(1)[17] = d.X.col(1)[60] = std::nan("");
  for (const Case& c : Cases()) {
    auto model = Make(c.kind, c.params);
    std::string message;
    EXPECT_EQ(CodeOf([&] { model->Fit(d.X, TargetFor(c, d)); }, &message),
              ErrorCode::kInvalidInput);
    EXPECT_NE(message.find("feature 'x1' has 3 missing values"), std::string::npos) << message;
    EXPECT_NE(message.find("imputer"), std::string::npos) << message;
  }
}

TEST(Estimators, PredictGivesNaNForRowsWithMissingFeatures) {
  const Data d = MakeData(200, 3, 0, 9);
  Features X = d.X;
  X.col(2)[7] = std::nan("");
  for (const Case& c : Cases()) {
    auto model = Make(c.kind, c.params);
    model->Fit(d.X, TargetFor(c, d));
    const Vector p = PredictAll(*model, X);
    for (int64_t i = 0; i < X.rows; ++i) EXPECT_EQ(std::isnan(p[i]), i == 7) << c.kind << i;
  }
}

TEST(Estimators, BadTargetsAreReported) {
  const Data d = MakeData(50, 2, 0, 10);
  std::string message;
  auto logistic = Make("logistic_regression");
  EXPECT_EQ(CodeOf([&] { logistic->Fit(d.X, Vector(50, 1.0)); }, &message),
            ErrorCode::kInvalidInput);
  EXPECT_NE(message.find("only one class"), std::string::npos) << message;
  Vector three = d.labels;
  three[4] = 2;
  EXPECT_EQ(CodeOf([&] { logistic->Fit(d.X, three); }, &message), ErrorCode::kInvalidInput);
  EXPECT_NE(message.find("row 4"), std::string::npos) << message;
  for (const Case& c : Cases()) {
    auto model = Make(c.kind, c.params);
    EXPECT_EQ(CodeOf([&] { model->Fit(d.X, Vector(49, 0.0)); }), ErrorCode::kInvalidInput);
    Vector y = TargetFor(c, d);
    y[3] = std::nan("");
    EXPECT_EQ(CodeOf([&] { model->Fit(d.X, y); }), ErrorCode::kInvalidInput) << c.kind;
  }
}

TEST(Estimators, ParametersAreValidated) {
  EXPECT_EQ(Make("logistic_regression")->params(), (Json{{"C", 1.0},
                                                         {"tol", 1e-10},
                                                         {"max_iter", 100},
                                                         {"fit_intercept", true},
                                                         {"intercept_scaling", 1.0},
                                                         {"multi_class", "auto"}}));
  EXPECT_EQ(Make("linear_regression")->params(), (Json{{"fit_intercept", true}}));
  EXPECT_EQ(Make("ridge")->params(), (Json{{"alpha", 1.0}, {"fit_intercept", true}}));
  EXPECT_EQ(Make("ridge", {{"alpha", 0.5}, {"fit_intercept", false}})->params(),
            (Json{{"alpha", 0.5}, {"fit_intercept", false}}));

  std::string message;
  EXPECT_EQ(CodeOf(
                [&] {
                  Make("logistic_regression", {{"Cc", 1.0}});
                },
                &message),
            ErrorCode::kModel);
  EXPECT_NE(message.find("logistic_regression: unknown parameter 'Cc' (known: C, tol, max_iter"),
            std::string::npos)
      << message;
  const std::vector<std::pair<std::string, Json>> bad = {
      {"logistic_regression", {{"C", "1"}}},
      {"logistic_regression", {{"C", 0}}},
      {"logistic_regression", {{"C", -1.0}}},
      {"logistic_regression", {{"tol", -1e-3}}},
      {"logistic_regression", {{"max_iter", 1.5}}},
      {"logistic_regression", {{"max_iter", 0}}},
      {"logistic_regression", {{"fit_intercept", 1}}},
      {"logistic_regression", {{"intercept_scaling", 0.0}}},
      {"linear_regression", {{"alpha", 1.0}}},
      {"linear_regression", {{"fit_intercept", "yes"}}},
      {"ridge", {{"alpha", -0.1}}},
      {"ridge", {{"alpha", true}}},
      {"ridge", Json::array()},
  };
  for (const auto& [kind, params] : bad) {
    EXPECT_EQ(CodeOf([&, &kind = kind, &params = params] { Make(kind, params); }, &message),
              ErrorCode::kModel)
        << kind << " " << params.dump();
    EXPECT_NE(message.find(kind), std::string::npos) << message;
  }
}

// ---------------------------------------------------------------------------------------
// linear_regression and ridge against closed forms

// Solves the (optionally ridge-regularised, never on the intercept) least-squares problem via
// the normal equations of the centred data, in long double.
struct Closed {
  Vector coef;
  double intercept;
};

Closed ClosedForm(const Features& X, const Vector& y, double alpha, bool intercept) {
  const size_t p = X.names.size();
  Vector mean(p, 0.0);
  double y_mean = 0;
  if (intercept) {
    for (size_t j = 0; j < p; ++j) {
      long double s = 0;
      for (int64_t i = 0; i < X.rows; ++i) s += X.col(j)[i];
      mean[j] = static_cast<double>(s / X.rows);
    }
    long double s = 0;
    for (double v : y) s += v;
    y_mean = static_cast<double>(s / X.rows);
  }
  Matrix a(p, Vector(p, 0.0));
  Vector b(p, 0.0);
  for (size_t j = 0; j < p; ++j) {
    for (size_t k = 0; k < p; ++k) {
      long double s = 0;
      for (int64_t i = 0; i < X.rows; ++i) s += (X.col(j)[i] - mean[j]) * (X.col(k)[i] - mean[k]);
      a[j][k] = static_cast<double>(s) + (j == k ? alpha : 0.0);
    }
    long double s = 0;
    for (int64_t i = 0; i < X.rows; ++i) s += (X.col(j)[i] - mean[j]) * (y[i] - y_mean);
    b[j] = static_cast<double>(s);
  }
  Closed out{SolveDense(a, b), 0.0};
  if (intercept) {
    out.intercept = y_mean;
    for (size_t j = 0; j < p; ++j) out.intercept -= mean[j] * out.coef[j];
  }
  return out;
}

void ExpectMatches(const Estimator& model, const Closed& want, double tolerance) {
  const Json state = model.SaveState();
  const Vector coef = state["coef"].get<Vector>();
  ASSERT_EQ(coef.size(), want.coef.size());
  for (size_t j = 0; j < coef.size(); ++j) {
    EXPECT_NEAR(coef[j], want.coef[j], tolerance * (1 + std::abs(want.coef[j]))) << "coef " << j;
  }
  EXPECT_NEAR(state["intercept"].get<double>(), want.intercept,
              tolerance * (1 + std::abs(want.intercept)));
}

TEST(LinearRegression, MatchesClosedFormOnFullRank) {
  const Data d = MakeData(500, 4, 0, 11);
  auto model = Make("linear_regression");
  model->Fit(d.X, d.target);
  ExpectMatches(*model, ClosedForm(d.X, d.target, 0, true), 1e-10);
  EXPECT_EQ(model->FitInfo()["rank"].get<int>(), 4);

  auto no_intercept = Make("linear_regression", {{"fit_intercept", false}});
  no_intercept->Fit(d.X, d.target);
  ExpectMatches(*no_intercept, ClosedForm(d.X, d.target, 0, false), 1e-10);
}

TEST(LinearRegression, UnitsDoNotPassForCollinearity) {
  // Features of very different scales are still full rank.
  Data d = MakeData(500, 3, 0, 12);
  for (int64_t i = 0; i < d.X.rows; ++i) {
    d.X.col(0)[i] = 1e6 + 1e5 * d.X.col(0)[i];
    d.X.col(2)[i] *= 1e-4;
  }
  auto model = Make("linear_regression");
  model->Fit(d.X, d.target);
  EXPECT_EQ(model->FitInfo()["rank"].get<int>(), 3);
  ExpectMatches(*model, ClosedForm(d.X, d.target, 0, true), 1e-7);
}

TEST(LinearRegression, RankDeficientGivesLeastNormSolution) {
  // One-hot levels + intercept: the centred one-hot columns sum to zero, so the coefficients
  // are determined only up to adding t * (1, ..., 1) on them; the least-norm one is orthogonal
  // to that direction (and to every other null direction: there is none here).
  const Data d = MakeData(2000, 2, 4, 13);
  auto model = Make("linear_regression");
  model->Fit(d.X, d.target);
  EXPECT_EQ(model->FitInfo()["rank"].get<int>(), 5);
  const Vector coef = model->SaveState()["coef"].get<Vector>();
  EXPECT_NEAR(coef[2] + coef[3] + coef[4] + coef[5], 0.0, 1e-9);

  // Same fitted values as the full-rank problem without one level.
  auto reduced = Make("linear_regression");
  const Features reduced_X = DropColumn(d.X, 5);
  reduced->Fit(reduced_X, d.target);
  ExpectMatches(*reduced, ClosedForm(reduced_X, d.target, 0, true), 1e-9);
  const Vector full = PredictAll(*model, d.X), part = PredictAll(*reduced, reduced_X);
  for (int64_t i = 0; i < d.X.rows; ++i) ASSERT_NEAR(full[i], part[i], 1e-9) << "row " << i;
}

TEST(LinearRegression, DuplicatedColumnSharesTheCoefficient) {
  // With columns x and 2x, least norm splits beta as (beta / 5, 2 beta / 5); a constant column
  // gets 0.
  const Data d = MakeData(300, 1, 0, 14);
  Features X = d.X;
  X.names = {"x", "twice_x", "constant"};
  for (int64_t i = 0; i < X.rows; ++i) X.values.push_back(2 * d.X.col(0)[i]);
  X.values.insert(X.values.end(), X.rows, 0.1);
  auto model = Make("linear_regression");
  model->Fit(X, d.target);
  const Closed single = ClosedForm(d.X, d.target, 0, true);
  const Vector coef = model->SaveState()["coef"].get<Vector>();
  EXPECT_NEAR(coef[0], single.coef[0] / 5, 1e-9);
  EXPECT_NEAR(coef[1], 2 * single.coef[0] / 5, 1e-9);
  EXPECT_EQ(coef[2], 0.0);
  EXPECT_NEAR(model->SaveState()["intercept"].get<double>(), single.intercept, 1e-9);
  EXPECT_EQ(model->FitInfo()["rank"].get<int>(), 1);
}

TEST(Ridge, MatchesClosedForm) {
  const Data d = MakeData(400, 3, 4, 15);  // rank-deficient without the penalty
  for (double alpha : {0.01, 1.0, 250.0}) {
    auto model = Make("ridge", {{"alpha", alpha}});
    model->Fit(d.X, d.target);
    ExpectMatches(*model, ClosedForm(d.X, d.target, alpha, true), 1e-9);
    auto no_intercept = Make("ridge", {{"alpha", alpha}, {"fit_intercept", false}});
    no_intercept->Fit(d.X, d.target);
    ExpectMatches(*no_intercept, ClosedForm(d.X, d.target, alpha, false), 1e-9);
  }
}

TEST(Ridge, InterceptIsNotPenalised) {
  // Shifting y moves only the intercept, by exactly the shift, however strong the penalty.
  const Data d = MakeData(300, 3, 0, 16);
  Vector shifted = d.target;
  for (double& v : shifted) v += 1000;
  auto model = Make("ridge", {{"alpha", 1e4}});
  model->Fit(d.X, d.target);
  auto moved = Make("ridge", {{"alpha", 1e4}});
  moved->Fit(d.X, shifted);
  const Vector a = model->SaveState()["coef"].get<Vector>();
  const Vector b = moved->SaveState()["coef"].get<Vector>();
  for (size_t j = 0; j < a.size(); ++j) EXPECT_NEAR(a[j], b[j], 1e-12);
  EXPECT_NEAR(
      moved->SaveState()["intercept"].get<double>() - model->SaveState()["intercept"].get<double>(),
      1000.0, 1e-9);
}

TEST(Ridge, ZeroAlphaIsLinearRegression) {
  const Data d = MakeData(500, 2, 3, 17);
  auto ridge = Make("ridge", {{"alpha", 0.0}});
  auto ols = Make("linear_regression");
  ridge->Fit(d.X, d.target);
  ols->Fit(d.X, d.target);
  EXPECT_EQ(ridge->SaveState(), ols->SaveState());
}

// ---------------------------------------------------------------------------------------
// scikit-learn itself, through python3 (the test setup installs python3-sklearn).

constexpr char kSklearnScript[] = R"(
import sys
import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
data = np.loadtxt(sys.argv[1], delimiter=',')
X, labels, target = data[:, :-2], data[:, -2], data[:, -1]
logit = LogisticRegression(solver='liblinear', tol=1e-10, max_iter=10000, C=0.7,
                           intercept_scaling=1.5).fit(X, labels)
ols = LinearRegression().fit(X, target)
ridge = Ridge(alpha=2.0).fit(X, target)
out = np.column_stack([logit.predict_proba(X)[:, 1], ols.predict(X), ridge.predict(X)])
np.savetxt(sys.argv[2], out, delimiter=',', fmt='%.17g')
np.savetxt(sys.argv[3], np.append(ols.coef_, ols.intercept_)[None, :], delimiter=',', fmt='%.17g')
)";

TEST(Sklearn, SamePredictions) {
  const Data d = MakeData(600, 4, 5, 18);  // one-hot collinear with the intercept
  const std::string dir = testing::TempDir();
  const std::string script = dir + "/outcore_estimators_sklearn.py";
  const std::string input = dir + "/outcore_estimators_in.csv";
  const std::string output = dir + "/outcore_estimators_out.csv";
  const std::string ols_coef = dir + "/outcore_estimators_ols.csv";
  std::ofstream(script) << kSklearnScript;
  {
    std::ofstream csv(input);
    csv.precision(17);
    for (int64_t i = 0; i < d.X.rows; ++i) {
      for (size_t j = 0; j < d.X.names.size(); ++j) csv << d.X.col(j)[i] << ",";
      csv << d.labels[i] << "," << d.target[i] << "\n";
    }
  }
  const std::string command =
      "/usr/bin/python3 " + script + " " + input + " " + output + " " + ols_coef;
  ASSERT_EQ(std::system(command.c_str()), 0)
      << "failed: " << command << " (needs python3 with scikit-learn)";
  std::vector<Vector> want(3);
  std::ifstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::stringstream fields(line);
    std::string field;
    for (auto& column : want) {
      std::getline(fields, field, ',');
      column.push_back(std::stod(field));
    }
  }
  ASSERT_EQ(want[0].size(), static_cast<size_t>(d.X.rows));

  auto logit = Make("logistic_regression", {{"C", 0.7}, {"intercept_scaling", 1.5}});
  auto ols = Make("linear_regression");
  auto ridge = Make("ridge", {{"alpha", 2.0}});
  logit->Fit(d.X, d.labels);
  ols->Fit(d.X, d.target);
  ridge->Fit(d.X, d.target);
  const Vector got[3] = {PredictAll(*logit, d.X), PredictAll(*ols, d.X), PredictAll(*ridge, d.X)};
  const double tolerance[3] = {1e-6, 1e-9, 1e-9};
  for (int m = 0; m < 3; ++m) {
    double worst = 0;
    for (int64_t i = 0; i < d.X.rows; ++i)
      worst = std::max(worst, std::abs(got[m][i] - want[m][i]));
    EXPECT_LT(worst, tolerance[m]) << "model " << m;
  }
  // scikit-learn's LinearRegression also returns the least-norm coefficients.
  Vector sklearn_coef;
  std::ifstream coef_in(ols_coef);
  for (std::string field; std::getline(coef_in, field, ',');)
    sklearn_coef.push_back(std::stod(field));
  const Json state = ols->SaveState();
  Vector coef = state["coef"].get<Vector>();
  coef.push_back(state["intercept"].get<double>());
  ASSERT_EQ(coef.size(), sklearn_coef.size());
  for (size_t j = 0; j < coef.size(); ++j) EXPECT_NEAR(coef[j], sklearn_coef[j], 1e-9) << j;
  for (const std::string& file : {script, input, output, ols_coef}) std::remove(file.c_str());
}

// ---------------------------------------------------------------------------------------
// Timing, run by hand: estimators_test --gtest_also_run_disabled_tests --gtest_filter='*Timing*'

TEST(Timing, DISABLED_LogisticRegressionOneMillionRows) {
  for (double effect : {1.0, 8.0}) {
    const Data d = MakeData(1000000, 5, 7, 19, effect);
    for (int threads : {1, 2}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      auto model = Make("logistic_regression");
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      model->Fit(d.X, d.labels);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      std::printf("effect=%g threads=%d wall=%.3fs cpu=%.3fs info=%s\n", effect, threads, seconds,
                  cpu_seconds, model->FitInfo().dump().c_str());
    }
  }
}

}  // namespace
}  // namespace outcore
