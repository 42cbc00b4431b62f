// XGBoost JSON model -> TreeEnsemble (xgboost.h). The format is XGBoost's documented schema
// (doc/model.schema in XGBoost's sources): learner.{learner_model_param, objective,
// gradient_booster, feature_names, feature_types}, "version"; each tree as parallel arrays
// indexed by node id, a leaf's value in split_conditions.
#include "pipeline/import/xgboost.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <map>

#include <toml++/toml.h>

#include "outcore/error.h"
#include "outcore/files.h"
#include "outcore/import_xgboost.h"

namespace outcore {
namespace {

const char* const kObjectives = "binary:logistic, multi:softprob and reg:squarederror";

// Reads one XGBoost JSON document; every error is kModel "ORIGIN: PATH WHY".
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void Bad(const std::string& path, const std::string& why) const {
    Fail(ErrorCode::kModel, origin_ + ": " + path + " " + why);
  }

  const Json& Get(const Json& parent, const std::string& parent_path, const std::string& key,
                  Json::value_t type) const {
    const std::string path = parent_path.empty() ? key : parent_path + "." + key;
    if (!parent.contains(key)) Bad(parent_path.empty() ? "the document" : parent_path, "has no '" + key + "'");
    const Json& v = parent[key];
    if (type == Json::value_t::array && !v.is_array()) Bad(path, "must be a list, not " + std::string(v.type_name()));
    if (type == Json::value_t::object && !v.is_object()) Bad(path, "must be an object, not " + std::string(v.type_name()));
    if (type == Json::value_t::string && !v.is_string()) Bad(path, "must be text, not " + std::string(v.type_name()));
    return v;
  }

  // XGBoost writes its parameters as text: "3", "5E-1".
  double NumberText(const Json& parent, const std::string& parent_path, const std::string& key) const {
    const std::string path = parent_path + "." + key;
    const Json& v = parent.contains(key) ? parent[key] : Json();
    if (v.is_number()) return v.get<double>();
    if (!v.is_string()) Bad(parent.contains(key) ? path : parent_path, parent.contains(key) ? "must be a number as text, not " + std::string(v.type_name()) : "has no '" + key + "'");
    const std::string text = v.get<std::string>();
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(x))
      Bad(path, "is \"" + text + "\", not a finite number");
    return x;
  }

  int64_t CountText(const Json& parent, const std::string& parent_path, const std::string& key, int64_t lo,
                    int64_t hi) const {
    const double x = NumberText(parent, parent_path, key);
    if (x != std::floor(x) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
      Bad(parent_path + "." + key, "is " + Json(x).dump() + ", not a whole number from " + std::to_string(lo) +
                                       " to " + std::to_string(hi));
    return static_cast<int64_t>(x);
  }

  // An integer array element in [lo, hi], or Bad.
  int64_t Index(const Json& v, const std::string& path, int64_t lo, int64_t hi, const std::string& what) const {
    if (!v.is_number_integer()) Bad(path, "must be a whole number, not " + (v.is_number() ? v.dump() : std::string(v.type_name())));
    const int64_t x = v.get<int64_t>();
    if (x < lo || x > hi) Bad(path, "is " + std::to_string(x) + ", " + what);
    return x;
  }

  // A float32 number (thresholds, leaf values): XGBoost computes with exactly that float.
  double Float32(const Json& v, const std::string& path) const {
    if (!v.is_number())
      Bad(path, v.is_null() ? "is not a number (NaN or infinite as XGBoost wrote it, or null)"
                            : "must be a number, not " + std::string(v.type_name()));
    const float f = static_cast<float>(v.get<double>());
    if (!std::isfinite(f)) Bad(path, "is " + v.dump() + ", not a finite float32");
    return static_cast<double>(f);
  }

 private:
  std::string origin_;
};

std::string At(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// XGBoost's categorical splits of one tree (split_type 1): per node id, the categories its
// bitset holds, from categories_nodes, categories_segments, categories_sizes and categories.
std::map<int64_t, std::vector<int32_t>> CategorySets(const Reader& r, const Json& j, const std::string& where, int64_t n) {
  std::map<int64_t, std::vector<int32_t>> sets;
  if (!j.contains("categories_nodes")) return sets;
  const Json& nodes = r.Get(j, where, "categories_nodes", Json::value_t::array);
  const Json& segments = r.Get(j, where, "categories_segments", Json::value_t::array);
  const Json& sizes = r.Get(j, where, "categories_sizes", Json::value_t::array);
  const Json& categories = r.Get(j, where, "categories", Json::value_t::array);
  if (segments.size() != nodes.size() || sizes.size() != nodes.size())
    r.Bad(where + ".categories_segments", "and categories_sizes must have one entry per categories_nodes entry (" +
                                              std::to_string(nodes.size()) + ")");
  const int64_t total = static_cast<int64_t>(categories.size());
  for (size_t k = 0; k < nodes.size(); ++k) {
    const int64_t id = r.Index(nodes[k], At(where + ".categories_nodes", k), 0, n - 1, "not a node of this tree");
    const int64_t begin = r.Index(segments[k], At(where + ".categories_segments", k), 0, total, "not within categories");
    const int64_t size = r.Index(sizes[k], At(where + ".categories_sizes", k), 1, total - begin,
                                 "not a count of categories within the list (1 to " + std::to_string(total - begin) + ")");
    std::vector<int32_t> set;
    for (int64_t c = begin; c < begin + size; ++c)
      set.push_back(static_cast<int32_t>(r.Index(categories[c], At(where + ".categories", c), 0, kMaxCategory,
                                                 "not a category (0 to " + std::to_string(kMaxCategory) + ")")));
    std::sort(set.begin(), set.end());
    if (std::adjacent_find(set.begin(), set.end()) != set.end())
      r.Bad(At(where + ".categories_segments", k), "lists a category twice");
    if (!sets.emplace(id, std::move(set)).second) r.Bad(At(where + ".categories_nodes", k), "names a node twice");
  }
  return sets;
}

// One tree: the nodes reached from the root, in XGBoost's node order (so that ids stay the
// same when nothing was pruned); `ids` gets each one's XGBoost node id.
Tree ConvertTree(const Reader& r, const Json& j, const std::string& where, int64_t num_feature, int32_t group,
                 std::vector<int32_t>* ids) {
  if (!j.is_object()) r.Bad(where, "must be an object, not " + std::string(j.type_name()));
  const Json& param = r.Get(j, where, "tree_param", Json::value_t::object);
  const int64_t n = r.CountText(param, where + ".tree_param", "num_nodes", 1, int64_t{1} << 30);
  if (param.contains("size_leaf_vector") && r.CountText(param, where + ".tree_param", "size_leaf_vector", 0, 1 << 30) > 1)
    r.Bad(where + ".tree_param.size_leaf_vector", "is more than 1: a vector-leaf (multi-target) tree, which outcore does not convert");
  const char* const arrays[] = {"left_children", "right_children", "split_indices", "split_conditions", "default_left"};
  for (const char* key : arrays) {
    const Json& a = r.Get(j, where, key, Json::value_t::array);
    if (static_cast<int64_t>(a.size()) != n)
      r.Bad(where + "." + key, "has " + std::to_string(a.size()) + " entries, but tree_param.num_nodes is " + std::to_string(n));
  }
  const bool has_types = j.contains("split_type");
  if (has_types) {
    const Json& a = r.Get(j, where, "split_type", Json::value_t::array);
    if (static_cast<int64_t>(a.size()) != n)
      r.Bad(where + ".split_type", "has " + std::to_string(a.size()) + " entries, but tree_param.num_nodes is " + std::to_string(n));
  }
  const Json &left = j["left_children"], &right = j["right_children"], &feature = j["split_indices"],
             &cond = j["split_conditions"], &dleft = j["default_left"];
  const std::map<int64_t, std::vector<int32_t>> category_sets = CategorySets(r, j, where, n);

  // Walk from the root: a node met twice is a cycle or has two parents. Nodes not reached
  // are XGBoost's deleted (pruned) ones, left out.
  std::vector<int32_t> depth(n, -1);
  std::vector<int32_t> stack = {0};
  depth[0] = 0;
  while (!stack.empty()) {
    const int32_t i = stack.back();
    stack.pop_back();
    const int64_t l = r.Index(left[i], At(where + ".left_children", i), -1, n - 1, "not -1 (a leaf) or a node of this tree (0 to " + std::to_string(n - 1) + ")");
    if (l == -1) continue;
    const int64_t rr = r.Index(right[i], At(where + ".right_children", i), 0, n - 1, "not a node of this tree (0 to " + std::to_string(n - 1) + ")");
    if (depth[i] + 1 > kMaxTreeDepth)
      r.Bad(At(where + ".left_children", i), "makes the tree deeper than " + std::to_string(kMaxTreeDepth) + " levels (outcore's cap)");
    for (const auto& [child, side] : {std::pair{l, ".left_children"}, std::pair{rr, ".right_children"}}) {
      if (depth[child] >= 0)
        r.Bad(At(where + side, i), "is " + std::to_string(child) + ", a node reached already (a cycle, or a node with two parents)");
      depth[child] = depth[i] + 1;
      stack.push_back(static_cast<int32_t>(child));
    }
  }
  std::vector<int32_t> renumber(n, -1);
  for (int64_t i = 0; i < n; ++i)
    if (depth[i] >= 0) {
      renumber[i] = static_cast<int32_t>(ids->size());
      ids->push_back(static_cast<int32_t>(i));
    }

  Tree tree;
  tree.group = group;
  tree.nodes.resize(ids->size());
  for (size_t k = 0; k < ids->size(); ++k) {
    const int32_t i = (*ids)[k];
    TreeNode& node = tree.nodes[k];
    const int64_t l = left[i].get<int64_t>();
    if (l == -1) {
      // XGBoost keeps a leaf's value in split_conditions.
      node.value = r.Float32(cond[i], At(where + ".split_conditions", i));
      continue;
    }
    const bool categorical =
        has_types && r.Index(j["split_type"][i], At(where + ".split_type", i), 0, 1, "not 0 (numerical) or 1 (categorical)") == 1;
    node.feature = static_cast<int32_t>(r.Index(feature[i], At(where + ".split_indices", i), 0, num_feature - 1,
                                                "not a feature of the model (0 to " + std::to_string(num_feature - 1) +
                                                    ", learner.learner_model_param.num_feature)"));
    if (categorical) {
      // XGBoost (1.7, common::Decision): a missing value goes to the default side; the category
      // of float(x) goes right when the node's set holds it, and left otherwise (any other
      // category, a negative or a huge value): outcore's categorical rule with right = the set,
      // left empty and other = left. (Checked against XGBoost's own predictions in
      // tests/python/test_from_xgboost.py and tests/e2e/python_xgboost_import.sh.)
      auto it = category_sets.find(i);
      if (it == category_sets.end())
        r.Bad(At(where + ".split_type", i), "is 1 (a categorical split), but categories_nodes does not list node " +
                                                std::to_string(i));
      CategorySplit split;
      split.right = it->second;
      split.other = CategoryOther::kLeft;
      node.categories = static_cast<int32_t>(tree.categories.size());
      tree.categories.push_back(std::move(split));
    } else {
      node.threshold = r.Float32(cond[i], At(where + ".split_conditions", i));
    }
    const Json& d = dleft[i];
    if (d.is_boolean()) {
      node.missing_left = d.get<bool>();
    } else {
      node.missing_left = r.Index(d, At(where + ".default_left", i), 0, 1, "not 0 or 1") == 1;
    }
    node.left = renumber[l];
    node.right = renumber[right[i].get<int64_t>()];
  }
  return tree;
}

}  // namespace

Json XGBoostModel::TrainingRecord() const {
  int64_t nodes = 0;
  for (const Tree& t : ensemble.trees) nodes += static_cast<int64_t>(t.nodes.size());
  Json from = {{"library", "xgboost"},
               {"version", version},
               {"objective", objective},
               {"booster", "gbtree"},
               {"num_trees", ensemble.trees.size()},
               {"num_nodes", nodes},
               {"num_features", ensemble.n_features},
               {"base_score", base_score},
               {"num_rounds", num_rounds},
               {"rounds", {rounds.begin, rounds.end}}};
  if (best_iteration >= 0) from["best_iteration"] = best_iteration;
  if (num_class > 0) from["num_class"] = num_class;
  if (!feature_names.empty()) from["feature_names"] = feature_names;
  return {{"imported_from", from}};
}

XGBoostModel ConvertXGBoost(const Json& doc, const std::string& origin, XGBoostRounds rounds) {
  Reader r(origin);
  if (!doc.is_object()) r.Bad("the document", "must be a JSON object (an XGBoost model saved as JSON), not " + std::string(doc.type_name()));
  XGBoostModel m;
  const Json& version = r.Get(doc, "", "version", Json::value_t::array);
  for (size_t i = 0; i < version.size(); ++i)
    m.version += (i ? "." : "") + std::to_string(r.Index(version[i], At("version", i), 0, 1 << 20, "not a version number"));
  const Json& learner = r.Get(doc, "", "learner", Json::value_t::object);

  const Json& booster = r.Get(learner, "learner", "gradient_booster", Json::value_t::object);
  const std::string name = r.Get(booster, "learner.gradient_booster", "name", Json::value_t::string).get<std::string>();
  if (name == "dart")
    r.Bad("learner.gradient_booster.name", "is \"dart\": a DART booster scales its trees by drop-out weights "
                                           "(weight_drop), which outcore does not convert; train with booster=\"gbtree\"");
  if (name == "gblinear")
    r.Bad("learner.gradient_booster.name", "is \"gblinear\": a linear booster, which outcore does not convert "
                                           "(outcore's linear models can be fitted instead); train with booster=\"gbtree\"");
  if (name != "gbtree") r.Bad("learner.gradient_booster.name", "is \"" + name + "\": outcore converts gbtree boosters only");

  const Json& objective = r.Get(learner, "learner", "objective", Json::value_t::object);
  m.objective = r.Get(objective, "learner.objective", "name", Json::value_t::string).get<std::string>();
  if (m.objective != "binary:logistic" && m.objective != "multi:softprob" && m.objective != "reg:squarederror")
    r.Bad("learner.objective.name", "is \"" + m.objective + "\": outcore converts the objectives " + kObjectives +
                                        " only" + (m.objective == "multi:softmax" ? " (multi:softprob grows the same trees and predicts probabilities)" : ""));

  const Json& param = r.Get(learner, "learner", "learner_model_param", Json::value_t::object);
  const std::string param_path = "learner.learner_model_param";
  const int64_t num_feature = r.CountText(param, param_path, "num_feature", 1, int64_t{1} << 30);
  const int64_t num_class = r.CountText(param, param_path, "num_class", 0, kMaxClasses);
  if (param.contains("num_target") && r.CountText(param, param_path, "num_target", 0, 1 << 30) > 1)
    r.Bad(param_path + ".num_target", "is more than 1: a multi-target model, which outcore does not convert");
  m.base_score = r.NumberText(param, param_path, "base_score");
  // XGBoost holds base_score as a float and turns it into a raw score with the objective's
  // ProbToMargin, in float: the logit for binary:logistic, the value itself otherwise.
  const float base = static_cast<float>(m.base_score);
  float raw_base = base;
  int32_t groups = 1;
  if (m.objective == "binary:logistic") {
    if (!(base > 0.0f && base < 1.0f))
      r.Bad(param_path + ".base_score", "is " + Json(m.base_score).dump() + ": binary:logistic needs a probability strictly between 0 and 1");
    raw_base = -std::log(1.0f / base - 1.0f);
    m.num_class = 2;
    if (num_class > 1) r.Bad(param_path + ".num_class", "is " + std::to_string(num_class) + " with binary:logistic (0 expected)");
  } else if (m.objective == "multi:softprob") {
    if (num_class < 2) r.Bad(param_path + ".num_class", "is " + std::to_string(num_class) + ": multi:softprob needs 2 or more classes");
    m.num_class = num_class;
    groups = static_cast<int32_t>(num_class);
  } else if (num_class > 1) {
    r.Bad(param_path + ".num_class", "is " + std::to_string(num_class) + " with " + m.objective + " (0 expected)");
  }

  if (learner.contains("feature_names")) {
    const Json& names = r.Get(learner, "learner", "feature_names", Json::value_t::array);
    if (!names.empty() && static_cast<int64_t>(names.size()) != num_feature)
      r.Bad("learner.feature_names", "has " + std::to_string(names.size()) + " names, but num_feature is " + std::to_string(num_feature));
    for (size_t i = 0; i < names.size(); ++i) {
      if (!names[i].is_string()) r.Bad(At("learner.feature_names", i), "must be text, not " + std::string(names[i].type_name()));
      m.feature_names.push_back(names[i].get<std::string>());
    }
  }

  const Json& gbtree = r.Get(booster, "learner.gradient_booster", "model", Json::value_t::object);
  const std::string model_path = "learner.gradient_booster.model";
  const Json& gparam = r.Get(gbtree, model_path, "gbtree_model_param", Json::value_t::object);
  const int64_t num_trees = r.CountText(gparam, model_path + ".gbtree_model_param", "num_trees", 0, int64_t{1} << 30);
  const Json& trees = r.Get(gbtree, model_path, "trees", Json::value_t::array);
  const Json& info = r.Get(gbtree, model_path, "tree_info", Json::value_t::array);
  if (static_cast<int64_t>(trees.size()) != num_trees)
    r.Bad(model_path + ".trees", "has " + std::to_string(trees.size()) + " trees, but gbtree_model_param.num_trees is " + std::to_string(num_trees));
  if (info.size() != trees.size())
    r.Bad(model_path + ".tree_info", "has " + std::to_string(info.size()) + " entries, but there are " + std::to_string(trees.size()) + " trees");

  // Rounds: groups x num_parallel_tree trees each, in order.
  const int64_t parallel = gparam.contains("num_parallel_tree")
                               ? r.CountText(gparam, model_path + ".gbtree_model_param", "num_parallel_tree", 1, 1 << 20)
                               : 1;
  const int64_t per_round = groups * parallel;
  if (num_trees % per_round != 0)
    r.Bad(model_path + ".trees", "has " + std::to_string(num_trees) + " trees, not whole rounds of " +
                                     std::to_string(per_round) + " (output groups x num_parallel_tree)");
  m.trees_per_round = per_round;
  m.num_rounds = num_trees / per_round;
  m.rounds = {0, m.num_rounds};
  if (learner.contains("attributes") && learner["attributes"].is_object() && learner["attributes"].contains("best_iteration"))
    m.best_iteration = r.CountText(learner["attributes"], "learner.attributes", "best_iteration", 0, m.num_rounds - 1);

  TreeEnsemble& e = m.ensemble;
  e.n_features = num_feature;
  e.compare = SplitCompare::kLessFloat32;
  for (size_t t = 0; t < trees.size(); ++t) {
    const int32_t group = static_cast<int32_t>(r.Index(info[t], At(model_path + ".tree_info", t), 0, groups - 1,
                                                       "not an output group of the model (0 to " + std::to_string(groups - 1) + ")"));
    m.node_ids.emplace_back();
    e.trees.push_back(ConvertTree(r, trees[t], At(model_path + ".trees", t), num_feature, group, &m.node_ids.back()));
  }

  if (m.objective == "binary:logistic") {
    e.link = TreeLink::kSigmoid;
    e.base_score = {static_cast<double>(raw_base)};
  } else if (m.objective == "reg:squarederror") {
    e.link = TreeLink::kIdentity;
    e.base_score = {static_cast<double>(raw_base)};
  } else if (groups == 2) {
    // Two classes: softmax(r0, r1)[1] = sigmoid(r1 - r0), the one output an outcore binary
    // classifier predicts. Class 0's trees, negated (exact in floating point), join class 1's.
    e.link = TreeLink::kSigmoid;
    e.base_score = {0.0};  // both classes start from the same base_score
    for (Tree& tree : e.trees) {
      if (tree.group == 0)
        for (TreeNode& node : tree.nodes)
          if (node.is_leaf()) node.value = -node.value;
      tree.group = 0;
    }
  } else {
    e.link = TreeLink::kSoftmax;
    e.base_score.assign(groups, static_cast<double>(raw_base));
  }
  // XGBoost sums each output in float, from its base score, tree after tree: so do we, and the
  // raw scores are XGBoost's bit for bit. (Two softprob classes folded into one output are a
  // different sum: that one stays in double, within a float's rounding of XGBoost's.)
  e.float32_sums = !(m.objective == "multi:softprob" && groups == 2);
  e.n_outputs = static_cast<int32_t>(e.base_score.size());
  if (rounds.begin != 0 || rounds.end != 0) KeepRounds(&m, rounds, origin);
  return m;
}

void KeepRounds(XGBoostModel* x, XGBoostRounds rounds, const std::string& origin) {
  const int64_t end = rounds.end == 0 ? x->num_rounds : rounds.end;
  if (rounds.begin < 0 || rounds.begin >= end || end > x->num_rounds)
    Fail(ErrorCode::kUsage, origin + ": the rounds " + std::to_string(rounds.begin) + " to " + std::to_string(end - 1) +
                                " are not within the booster's " + std::to_string(x->num_rounds) + " rounds (0 to " +
                                std::to_string(x->num_rounds - 1) + ")");
  // The trees stay in round order through the conversion (two softprob classes folded into one
  // output included): rounds [begin, end) are trees [begin, end) x trees_per_round.
  const auto first = static_cast<std::ptrdiff_t>(rounds.begin * x->trees_per_round);
  const auto last = static_cast<std::ptrdiff_t>(end * x->trees_per_round);
  std::vector<Tree>& trees = x->ensemble.trees;
  trees.erase(trees.begin() + last, trees.end());
  trees.erase(trees.begin(), trees.begin() + first);
  x->node_ids.erase(x->node_ids.begin() + last, x->node_ids.end());
  x->node_ids.erase(x->node_ids.begin(), x->node_ids.begin() + first);
  x->rounds = {rounds.begin, end};
}

namespace {

// XGBoost's JSON writer spells non-finite floats NaN, Infinity and -Infinity (a categorical
// split's split_conditions entry is NaN), which JSON has no words for: outside strings they
// become null, which every number check then refuses by its path.
std::string NonFiniteAsNull(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const size_t sign = c == '-' ? 1 : 0;
    bool replaced = false;
    for (const char* word : {"NaN", "Infinity"}) {
      const size_t n = std::char_traits<char>::length(word);
      if (text.compare(i + sign, n, word) == 0) {
        out += "null";
        i += sign + n - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

}  // namespace

XGBoostModel ConvertXGBoostText(const std::string& text, const std::string& origin, XGBoostRounds rounds) {
  Json doc;
  try {
    doc = Json::parse(NonFiniteAsNull(text));
  } catch (const Json::parse_error& e) {
    Fail(ErrorCode::kModel, origin + ": not an XGBoost JSON model (" + e.what() +
                                "); save it with booster.save_model(\"model.json\") (a .json name selects JSON)");
  }
  return ConvertXGBoost(doc, origin, rounds);
}

}  // namespace outcore

namespace outcore {
namespace {

std::string NameList(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return "[" + s + "]";
}

}  // namespace

std::string XGBoostEstimatorKind(const XGBoostModel& x) {
  return x.classifier() ? "tree_ensemble_classifier" : "tree_ensemble_regressor";
}

Model ModelFromXGBoost(const XGBoostModel& x, const PipelineSpec& spec, TrainingData data) {
  const std::string kind = XGBoostEstimatorKind(x);
  Model model = std::move(data.model);
  const std::vector<std::string>& classes = model.target.classes;
  if (x.classifier() && static_cast<int64_t>(classes.size()) != x.num_class)
    Fail(ErrorCode::kSchema, "the target '" + model.target.expression + "' has " + std::to_string(classes.size()) +
                                 " classes " + NameList(classes) + " but the XGBoost " + x.objective + " model has " +
                                 std::to_string(x.num_class) + " (class i is XGBoost's label i)");
  model.pipeline = spec.Build();  // the steps; the spec's model is only what labelled the sample
  Pipeline& pipeline = model.pipeline;
  pipeline.estimator = MakeLoadedEstimator(kind, Json::object());
  const int64_t rows = data.rows();
  TransformStats drift;
  FitSteps(&pipeline, &data.batches, &drift, 0);  // sets feature_names; the features are not needed
  data.batches.clear();
  const std::vector<std::string>& made = pipeline.feature_names;
  if (!x.feature_names.empty() && made != x.feature_names)
    Fail(ErrorCode::kSchema, "the pipeline makes the features " + NameList(made) +
                                 " but the XGBoost model was trained on " + NameList(x.feature_names) +
                                 " (learner.feature_names): the names must be the same, in the same order");
  if (static_cast<int64_t>(made.size()) != x.ensemble.n_features)
    Fail(ErrorCode::kSchema, "the pipeline makes " + std::to_string(made.size()) + " features " + NameList(made) +
                                 " but the XGBoost model has " + std::to_string(x.ensemble.n_features) +
                                 " (learner.learner_model_param.num_feature; it records no feature names)");
  if (x.classifier()) pipeline.estimator->SetClasses(classes);
  pipeline.estimator->LoadState(TreeEnsembleToJson(x.ensemble));
  model.training = x.TrainingRecord();
  model.training["spec"] = spec.path;
  model.training["sample_rows"] = rows;
  if (!data.origin.empty()) model.training["origin"] = data.origin;
  // Through the loader's checks, as every model file is read: what this returns, predict loads.
  Model checked = ModelFromJson(ModelToJson(model));
  return checked;
}

}  // namespace outcore

namespace outcore {

XGBoostImport::XGBoostImport(const std::string& text, const std::string& origin)
    : model_(std::make_shared<const XGBoostModel>(ConvertXGBoostText(text, origin))), origin_(origin) {}

Json XGBoostImport::Summary() const {
  const XGBoostModel& x = *model_;
  return {{"estimator_kind", XGBoostEstimatorKind(x)},
          {"objective", x.objective},
          {"version", x.version},
          {"num_class", x.num_class},
          {"num_features", x.ensemble.n_features},
          {"feature_names", x.feature_names},
          {"num_trees", x.ensemble.trees.size()},
          {"num_rounds", x.num_rounds},
          {"best_iteration", x.best_iteration >= 0 ? Json(x.best_iteration) : Json()},
          {"node_ids", x.node_ids}};
}

PipelineSpec LoadXGBoostSpec(const std::string& path, bool classifier) {
  const std::string text = ReadFile(path);
  bool has_model = false;
  // Only text within the caps ParseSpec applies first (docs/spec.md: 1 MB, 16,384 '.'; deeper
  // dotted keys overflow toml++'s stack); ParseSpec refuses the rest, and reports a syntax
  // error with its line and column.
  if (text.size() <= (1 << 20) && std::count(text.begin(), text.end(), '.') <= 16384) {
    try {
      has_model = toml::parse(text, path).contains("model");
    } catch (const toml::parse_error&) {
    }
  }
  if (has_model)
    Fail(ErrorCode::kModel, path + ": [model] is not for import-xgboost: the model is the XGBoost file's trees; "
                                   "leave [model] out (the spec gives [read], target and [[steps]])");
  // ParseSpec checks everything else as for fit; a [model] of the right sort (classifier or
  // regressor, so that the sample's target is read as one) stands in for the trees.
  const char* stand_in = classifier ? "logistic_regression" : "linear_regression";
  return ParseSpec(text + "\n[model]\nkind = \"" + stand_in + "\"\n", path);
}

Model XGBoostImport::Import(const PipelineSpec& spec, TrainingData data, int64_t rounds_begin,
                            int64_t rounds_end) const {
  if (rounds_begin == 0 && rounds_end == 0) return ModelFromXGBoost(*model_, spec, std::move(data));
  XGBoostModel kept = *model_;
  KeepRounds(&kept, {rounds_begin, rounds_end}, origin_);
  return ModelFromXGBoost(kept, spec, std::move(data));
}

}  // namespace outcore
