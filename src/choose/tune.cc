// tune: cross-validate every candidate of a search space in parallel, rank, refit the best.
//
// Work is nested: the outer loop runs over (step group, fold), where a step group is the set
// of candidates with identical steps (all of them when only model.* parameters vary). Each
// outer task fits the steps on the fold's training rows once, then the inner loop fits one
// estimator per candidate of the group on those features. Both loops are oneTBB loops in one
// arena, so every core stays busy whichever level has more work.
#include "outcore/tune.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "choose/fold_fit.h"
#include "choose/table_text.h"
#include "core/parallel.h"
#include "outcore/error.h"

namespace outcore {
namespace {

using choose::CsvField;
using choose::CsvNumber;
using choose::NowNs;
using choose::SecondsSince;

// Candidates that share their steps, and so their fitted preprocessing.
struct StepGroup {
  PipelineSpec spec;
  std::vector<size_t> candidates;
};

std::string ValueText(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// Ranks by mean score, best first; NaN last; equal means share the lower rank.
void Rank(const std::string& scoring, std::vector<CandidateResult>* results) {
  const bool higher = HigherIsBetter(scoring);
  auto better = [&](const CandidateResult& a, const CandidateResult& b) {
    if (std::isnan(a.mean) || std::isnan(b.mean)) return !std::isnan(a.mean) && std::isnan(b.mean);
    return higher ? a.mean > b.mean : a.mean < b.mean;
  };
  std::stable_sort(results->begin(), results->end(), better);
  for (size_t i = 0; i < results->size(); ++i) {
    auto& r = (*results)[i];
    r.rank =
        i > 0 && !better((*results)[i - 1], r) ? (*results)[i - 1].rank : static_cast<int>(i) + 1;
  }
}

// The candidates, each one's model, and the step groups, all validated before any data is read.
struct SearchPlan {
  std::vector<Json> candidates;
  std::vector<Json> models;  // each candidate's {kind, params}
  std::vector<StepGroup> groups;
};

SearchPlan PlanSearch(const PipelineSpec& spec, const TuneOptions& options) {
  SearchPlan plan;
  plan.candidates = options.random > 0
                        ? RandomCandidates(options.spaces, options.random, options.seed)
                        : GridCandidates(options.spaces);
  const bool leading_select = !spec.InputColumns().empty();  // it decides what is read
  std::map<std::string, size_t> group_of_steps;
  for (size_t c = 0; c < plan.candidates.size(); ++c) {
    PipelineSpec candidate = WithParams(spec, plan.candidates[c]);
    plan.models.push_back(candidate.model);
    if (leading_select && candidate.steps[0] != spec.steps[0])
      Fail(ErrorCode::kUsage,
           "--grid: the columns of a leading select step decide which "
           "columns are read and cannot be tuned");
    auto [it, fresh] = group_of_steps.try_emplace(candidate.steps.dump(), plan.groups.size());
    if (fresh) plan.groups.push_back({candidate, {}});
    plan.groups[it->second].candidates.push_back(c);
  }
  return plan;
}

TuneReport TuneImpl(const PipelineSpec& spec, TrainingData data, const TuneOptions& options,
                    const FitReport& read) {
  const int64_t start = NowNs();
  TuneReport report;
  report.read_report = read;
  report.scoring = ResolveScoring(options.cv.scoring, data.classifier);
  const int64_t classes = static_cast<int64_t>(data.model.target.classes.size());
  report.rows = data.rows();
  const SearchPlan plan = PlanSearch(spec, options);
  const std::vector<Json>& candidates = plan.candidates;
  const std::vector<Json>& models = plan.models;
  const std::vector<StepGroup>& groups = plan.groups;
  const Folds folds = MakeFolds(data.rows(), options.cv);
  const int k = folds.count();
  report.folds = k;
  report.preprocessing_fits = static_cast<int>(groups.size()) * k;

  // scores[c][f] and seconds; filled by the (group, fold) tasks.
  std::vector<std::vector<double>> scores(candidates.size(), std::vector<double>(k));
  std::vector<std::vector<double>> fit_s = scores, score_s = scores;
  const int threads = ResolveThreads(options.fit.threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(threads);
  const int64_t fold_limit =
      choose::FoldMemoryLimit(options.fit.memory_limit, threads, groups.size() * k);
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, groups.size() * k, [&](size_t task) {
      const StepGroup& group = groups[task / k];
      const int f = static_cast<int>(task % k);
      try {
        choose::PreparedFold fold = choose::PrepareFold(group.spec, data, folds.TrainMask(f),
                                                        folds.ValidMask(f), fold_limit);
        const double shared = fold.seconds / static_cast<double>(group.candidates.size());
        tbb::parallel_for(size_t{0}, group.candidates.size(), [&](size_t i) {
          const size_t c = group.candidates[i];
          try {
            const Json& model = models[c];
            std::unique_ptr<Estimator> estimator = MakeEstimator(model["kind"], model["params"]);
            if (data.classifier) estimator->SetClasses(data.model.target.classes);
            int64_t t = NowNs();
            // Isolated: while this fit waits for its own parallel loops, its thread must not
            // pick up another candidate's fit (that would stall this one and blur the timings).
            tbb::this_task_arena::isolate([&] { estimator->Fit(fold.train, fold.y_train); });
            fit_s[c][f] = shared + SecondsSince(t);
            t = NowNs();
            std::vector<double> p(fold.valid.rows * estimator->n_outputs());
            estimator->Predict(fold.valid, p.data());
            scores[c][f] = Score(report.scoring, fold.y_valid, p, classes);
            score_s[c][f] = SecondsSince(t);
          } catch (const Error& e) {
            Fail(e.code(), "fold " + std::to_string(f) + ", candidate " + candidates[c].dump() +
                               ": " + e.what());
          }
        });
      } catch (const Error& e) {
        if (std::string(e.what()).rfind("fold ", 0) == 0) throw;
        Fail(e.code(), "fold " + std::to_string(f) + ", fitting the steps: " + e.what());
      }
    });
  });

  for (size_t c = 0; c < candidates.size(); ++c) {
    CandidateResult r;
    r.params = candidates[c];
    r.fold_scores = scores[c];
    r.mean = choose::Mean(scores[c]);
    r.std = choose::StdDev(scores[c]);
    r.fit_seconds = choose::Mean(fit_s[c]);
    r.score_seconds = choose::Mean(score_s[c]);
    report.candidates.push_back(std::move(r));
  }
  Rank(report.scoring, &report.candidates);

  if (options.refit && !report.candidates.empty()) {
    const CandidateResult& best = report.candidates.front();
    FitOptions refit = options.fit;
    refit.test_size = 0;
    report.refit_report = read;
    report.best =
        FitOnData(WithParams(spec, best.params), std::move(data), refit, &report.refit_report);
    report.best.training["tuning"] = {
        {"params", best.params},
        {"scoring", report.scoring},
        {"folds", k},
        {"shuffle_seed", options.cv.shuffle_seed ? Json(*options.cv.shuffle_seed) : Json()},
        {"candidates", report.candidates.size()}};
    report.best.metrics["cv"] = {
        {"scoring", report.scoring}, {"mean", best.mean}, {"std", best.std}, {"folds", k}};
  }
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace

Json TuneReport::ToJson() const {
  Json list = Json::array();
  for (const auto& c : candidates)
    list.push_back({{"rank", c.rank},
                    {"params", c.params},
                    {"mean", std::isnan(c.mean) ? Json() : Json(c.mean)},
                    {"std", std::isnan(c.std) ? Json() : Json(c.std)},
                    {"fold_scores", c.fold_scores},
                    {"fit_seconds", c.fit_seconds},
                    {"score_seconds", c.score_seconds}});
  return {{"scoring", scoring}, {"folds", folds},
          {"rows", rows},       {"preprocessing_fits", preprocessing_fits},
          {"candidates", list}, {"seconds", seconds}};
}

TuneReport Tune(const PipelineSpec& spec, const std::vector<std::string>& inputs,
                const TuneOptions& options) {
  const int64_t start = NowNs();
  PlanSearch(spec, options);  // fail early on a bad --grid
  ResolveScoring(options.cv.scoring, spec.Build().estimator->is_classifier());
  FitReport read;
  TrainingData data = ReadTrainingData(spec, inputs, options.fit, &read);
  TuneReport report = TuneImpl(spec, std::move(data), options, read);
  report.seconds = SecondsSince(start);
  return report;
}

TuneReport TuneOnData(const PipelineSpec& spec, TrainingData data, const TuneOptions& options) {
  FitReport read;
  read.rows_read = data.rows();
  read.files = static_cast<int64_t>(data.files.size());
  return TuneImpl(spec, std::move(data), options, read);
}

std::string TuneTableCsv(const TuneReport& report) {
  std::vector<std::string> keys;
  for (const auto& c : report.candidates)
    for (auto& [key, v] : c.params.items())
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  std::string out = "rank";
  for (const auto& key : keys) out += "," + CsvField(key);
  out += ",mean_" + report.scoring + ",std_" + report.scoring + ",fit_seconds,score_seconds";
  for (int f = 0; f < report.folds; ++f) out += ",fold_" + std::to_string(f);
  out += "\n";
  for (const auto& c : report.candidates) {
    out += std::to_string(c.rank);
    for (const auto& key : keys)
      out += "," + (c.params.contains(key) ? CsvField(ValueText(c.params[key])) : "");
    out += "," + CsvNumber(c.mean) + "," + CsvNumber(c.std) + "," + CsvNumber(c.fit_seconds) + "," +
           CsvNumber(c.score_seconds);
    for (double s : c.fold_scores) out += "," + CsvNumber(s);
    out += "\n";
  }
  return out;
}

}  // namespace outcore
