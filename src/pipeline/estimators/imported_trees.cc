#include "pipeline/estimators/imported_trees.h"

#include <oneapi/tbb/task_arena.h>

#include <string>

#include "outcore/error.h"
#include "pipeline/estimators/random_forest.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {
namespace {

// Rows above which Predict scores on several threads (predict's batches are at most 65,536).
constexpr int64_t kParallelScoreRows = 1 << 17;

class ImportedTrees : public Estimator {
 public:
  explicit ImportedTrees(bool classifier) : classifier_(classifier) {}

  std::string kind() const override { return classifier_ ? "tree_ensemble_classifier" : "tree_ensemble_regressor"; }
  Json params() const override { return Json::object(); }
  bool is_classifier() const override { return classifier_; }

  void SetClasses(const std::vector<std::string>& classes) override {
    if (!classifier_) return Estimator::SetClasses(classes);
    if (classes.size() < 2 || static_cast<int64_t>(classes.size()) > kMaxClasses)
      Fail(ErrorCode::kInvalidInput, kind() + ": a classifier has 2 to " + std::to_string(kMaxClasses) +
                                         " classes, not " + std::to_string(classes.size()));
    if (fitted_ && static_cast<int64_t>(classes.size()) != Classes())
      Fail(ErrorCode::kModel, kind() + ": its trees give " + std::to_string(Classes()) + " classes, the target " +
                                  std::to_string(classes.size()));
    classes_ = static_cast<int64_t>(classes.size());
  }
  int64_t n_outputs() const override { return fitted_ ? ensemble_.n_outputs : (classes_ > 2 ? classes_ : 1); }

  void Fit(const Features&, const std::vector<double>&) override {
    Fail(ErrorCode::kUsage, kind() + " holds trees fitted by another library and converted (outcore import-xgboost, "
                                     "outcore.from_sklearn, outcore.from_xgboost): it scores, it is not fitted");
  }

  void Predict(const Features& X, double* out) const override {
    if (!fitted_) Fail(ErrorCode::kModel, kind() + ": Predict called before LoadState");
    const int threads = X.rows > kParallelScoreRows ? tbb::this_task_arena::max_concurrency() : 1;
    ensemble_.Predict(X, out, threads);
  }

  Json SaveState() const override { return TreeEnsembleToJson(ensemble_); }

  void LoadState(const Json& state) override {
    TreeEnsemble e = TreeEnsembleFromJson(kind(), state);
    const int32_t k = e.n_outputs;
    bool ok;
    if (classifier_) {
      ok = (k == 1 && (e.link == TreeLink::kSigmoid || e.link == TreeLink::kAverage)) ||
           (k >= 3 && (e.link == TreeLink::kSoftmax || e.link == TreeLink::kAverage));
    } else {
      ok = k == 1 && (e.link == TreeLink::kIdentity || e.link == TreeLink::kAverage);
    }
    if (!ok) {
      const std::string forms = classifier_ ? "one output with link \"sigmoid\" or \"average\" (2 classes), or k >= 3 "
                                              "outputs with \"softmax\" or \"average\" (k classes)"
                                            : "one output with link \"identity\" or \"average\"";
      Fail(ErrorCode::kModel, "state: " + kind() + " has " + forms + "; the file gives " + std::to_string(k) +
                                  " outputs and \"" + LinkName(e.link) + "\"");
    }
    if (e.link == TreeLink::kAverage) CheckAveragedTrees(e, classifier_, kind());
    if (classifier_) classes_ = k == 1 ? 2 : k;
    ensemble_ = std::move(e);
    fitted_ = true;
  }

 private:
  int64_t Classes() const { return ensemble_.n_outputs == 1 ? 2 : ensemble_.n_outputs; }

  bool classifier_;
  int64_t classes_ = 2;
  TreeEnsemble ensemble_;
  bool fitted_ = false;
};

}  // namespace

void RegisterImportedEstimators(std::vector<Registration<Estimator>>* registry) {
  registry->push_back(Registration<Estimator>::Declare(
      "tree_ensemble_classifier",
      "Trees fitted by another library (XGBoost, scikit-learn's forests and gradient boosting), converted; "
      "scores only.",
      {}, [](const Json&) { return std::make_unique<ImportedTrees>(true); }));
  registry->push_back(Registration<Estimator>::Declare(
      "tree_ensemble_regressor",
      "Regression trees fitted by another library (XGBoost, scikit-learn), converted; scores only.", {},
      [](const Json&) { return std::make_unique<ImportedTrees>(false); }));
}

}  // namespace outcore
