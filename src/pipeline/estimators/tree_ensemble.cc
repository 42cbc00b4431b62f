#include "pipeline/estimators/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "outcore/error.h"
#include "pipeline/params.h"

namespace outcore {

namespace {

// Rows scored together: each tree walks the whole block before the next tree, so a tree's
// nodes stay in cache while the block's features (or ranks) do too.
constexpr int64_t kScoreBlock = 256;
// Rows per parallel task when scoring on several threads.
constexpr int64_t kTaskRows = 16 * 1024;
// Rows that walk a tree together (the double walk: 8 measured 1.7x faster than one row at a
// time, 16 slower; the ranked walk: 8, 12 and 16 alike, 4 1.4x slower).
constexpr int kLanes = 8;

// Adds a leaf value to a raw score. With kF32 (float32_sums: XGBoost's ensembles) the sum is
// rounded to float after every tree, as XGBoost accumulates its predictions in float: both are floats,
// and a float sum computed in double and rounded once is the float sum (double has more than
// twice float's precision), so the raw scores are XGBoost's bit for bit.
template <bool kF32>
inline void Accumulate(double& raw, double value) {
  if constexpr (kF32) {
    raw = static_cast<double>(static_cast<float>(raw + value));
  } else {
    raw += value;
  }
}

// Scoring compiles the ensemble at every Score call, so that the compiled forms never go
// stale (for 100 trees of 31 leaves the compiling takes about 4% of the time the scoring of a
// 65,536-row batch does): its ranked form (here) and, for trees of at most 64 leaves, its leaf
// masks (LeafMasks), which score fastest. Score picks the first form the ensemble has: leaf
// masks, the ranked walk, the double walk.
//
// The ranked form.
// Each feature some node splits on gets its sorted distinct thresholds, its cuts (as float
// for kLessFloat32). A block's value x of that feature becomes its rank: the number of cuts
// below x (kLessEqual: cuts < x; kLessFloat32: cuts <= float(x)), or kMissing for NaN. Then
// "x goes left at threshold cuts[t]" is exactly "rank <= t", for every x, -0.0 and +-inf
// included. A feature has two uint16 columns in the block's rank matrix: the rank itself (NaN
// = 0xFFFF is above every t, so it goes right) and the rank + 1 wrapped to 16 bits (NaN = 0,
// below every t + 1, so it goes left): a node that sends missing values left reads the second
// column with threshold t + 1. So every node is 8 bytes {column, threshold, next} and one step
// is an integer compare: next + (rank > threshold), the right child numbered just after the
// left one. A leaf points to itself with threshold 0xFFFF, so a row that reached it stays
// there, and every row walks a tree a fixed number of steps (its depth) without a branch on
// the data; kLanes rows walk together, so that the CPU follows kLanes independent paths.
// The rank matrix holds the ranks of a group of kLanes rows together (RankRows), so that a
// rank's address is the group's, plus the node's column, plus the lane.
// An ensemble with a feature of more than kMaxCuts distinct thresholds, more than 16,383
// features split on, or a NaN threshold (which the loader refuses but a hand-built tree may
// hold) is scored by the double walk of AddTrees; both give the same numbers bit for bit.
//
// A feature split on categories is ranked too, by its categories: its `cuts` are every
// category its splits hold, ascending, and a value's rank is its category's place among them,
// cuts.size() for a missing value and cuts.size() + 1 for any other (CategoryRank). Leaf masks
// take such ranks (a categorical split keeps, per rank, the leaves of the side that rank goes
// to); the ranked walk cannot (a set is not one compare), so an ensemble with categorical
// splits whose trees are too large for leaf masks is scored by the double walk. So is one that
// splits a feature both ways (which the loader refuses).
constexpr uint16_t kMissing = 0xFFFF;
constexpr size_t kMaxCuts = 0xFFFE;

// The category of x (trunc(x) for 0 <= x < 2^31; with f32, of float(x), as XGBoost reads its
// features as floats), or -1 when x has none.
inline int64_t CategoryOf(double x, bool f32) {
  if (f32) x = static_cast<double>(static_cast<float>(x));
  return x >= 0 && x < static_cast<double>(kMaxCategory) + 1 ? static_cast<int64_t>(x) : -1;
}

inline bool Holds(const std::vector<int32_t>& set, int64_t category) {
  return std::binary_search(set.begin(), set.end(), category);
}

struct RankedNode {
  uint16_t column;     // twice the rank matrix column: the byte offset / 8 of its ranks in a group
  uint16_t threshold;  // goes left when rank <= threshold
  uint32_t next;       // the left child; the right child is next + 1; a leaf: itself
};

struct RankedTrees {
  std::vector<int32_t> features;         // the model's feature of each ranked feature
  std::vector<std::vector<double>> cuts;  // per ranked feature, ascending, distinct (categories)
  std::vector<char> categorical;          // per ranked feature: split on categories
  bool walkable = true;                   // no categorical split: the ranked walk applies
  std::vector<RankedNode> nodes;          // every tree's nodes, one tree after another
  std::vector<double> values;             // per node: a leaf's value
  std::vector<uint32_t> root;             // per tree
  std::vector<int32_t> depth, group;      // per tree
  std::vector<int32_t> slot;              // per model feature: its ranked feature, or -1
  int64_t columns() const { return 2 * static_cast<int64_t>(features.size()); }
};

// The ranked form of e, or false when a feature has too many distinct thresholds.
bool Rank(const TreeEnsemble& e, RankedTrees* out) {
  const bool f32 = e.compare == SplitCompare::kLessFloat32;
  auto cut_of = [&](double threshold) { return f32 ? static_cast<double>(static_cast<float>(threshold)) : threshold; };
  RankedTrees& r = *out;
  std::vector<int32_t>& slot = r.slot;
  slot.assign(e.n_features, -1);
  for (const Tree& t : e.trees)
    for (const TreeNode& n : t.nodes) {
      if (n.is_leaf()) continue;
      if (std::isnan(n.threshold)) return false;
      if (slot[n.feature] < 0) {
        slot[n.feature] = static_cast<int32_t>(r.features.size());
        r.features.push_back(n.feature);
        r.cuts.emplace_back();
        r.categorical.push_back(n.is_categorical());
      }
      if (r.categorical[slot[n.feature]] != n.is_categorical()) return false;  // split both ways
      std::vector<double>& cuts = r.cuts[slot[n.feature]];
      if (!n.is_categorical()) {
        cuts.push_back(cut_of(n.threshold));
        continue;
      }
      r.walkable = false;
      const CategorySplit& split = t.categories[n.categories];
      cuts.insert(cuts.end(), split.left.begin(), split.left.end());
      cuts.insert(cuts.end(), split.right.begin(), split.right.end());
    }
  if (r.features.size() > 0x3FFF) return false;  // column fits in 16 bits
  for (std::vector<double>& c : r.cuts) {
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());  // -0.0 and 0.0 are one cut
    if (c.size() > kMaxCuts) return false;
  }
  if (!r.walkable) return true;  // leaf masks only: the walk's nodes are not built
  for (const Tree& t : e.trees) {
    // Breadth first, so that a node's two children get adjacent numbers.
    const uint32_t base = static_cast<uint32_t>(r.nodes.size());
    r.root.push_back(base);
    r.group.push_back(t.group);
    r.nodes.resize(base + t.nodes.size());
    r.values.resize(base + t.nodes.size());
    std::vector<std::pair<int32_t, int32_t>> queue = {{0, 0}};  // (node, depth)
    int32_t depth = 0;
    for (size_t q = 0; q < queue.size(); ++q) {
      const auto [n, d] = queue[q];
      const TreeNode& node = t.nodes[n];
      const uint32_t at = base + static_cast<uint32_t>(q);
      depth = std::max(depth, d);
      r.values[at] = node.value;
      if (node.is_leaf()) {
        r.nodes[at] = {0, 0xFFFF, at};
        continue;
      }
      const int32_t s = slot[node.feature];
      const std::vector<double>& c = r.cuts[s];
      const auto t_index = static_cast<uint16_t>(std::lower_bound(c.begin(), c.end(), cut_of(node.threshold)) - c.begin());
      r.nodes[at] = {static_cast<uint16_t>(2 * (2 * s + node.missing_left)), static_cast<uint16_t>(t_index + node.missing_left),
                     base + static_cast<uint32_t>(queue.size())};
      queue.push_back({node.left, d + 1});
      queue.push_back({node.right, d + 1});
    }
    r.depth.push_back(depth);
  }
  return true;
}

// The number of cuts[0, n) below v (at or below it for f32: v is then a float), by a binary
// search with no branch on the data.
inline int64_t CountBelow(const double* cuts, int64_t n, double v, bool f32) {
  const double* at = cuts;
  for (int64_t len = n; len > 1;) {
    const int64_t half = len / 2;
    at += half * (f32 ? at[half - 1] <= v : at[half - 1] < v);
    len -= half;
  }
  return (at - cuts) + (n > 0 && (f32 ? *at <= v : *at < v));
}

// The rank of x for a feature split on categories: its category's index in cats[0, n), n for a
// missing value, n + 1 for any other.
inline int64_t CategoryRank(const double* cats, int64_t n, double x, bool f32) {
  if (x != x) return n;
  const int64_t c = CategoryOf(x, f32);
  if (c < 0) return n + 1;
  const double* at = std::lower_bound(cats, cats + n, static_cast<double>(c));
  return at != cats + n && *at == static_cast<double>(c) ? at - cats : n + 1;
}

// The rank matrix of rows [begin, end) in groups of kLanes rows (the rows that walk a tree
// together): group g holds column c of its rows at ranks[(g * columns + c) * kLanes + lane].
void RankRows(const RankedTrees& r, bool f32, const double* const* cols, int64_t begin, int64_t end,
              uint16_t* ranks) {
  const int64_t columns = r.columns();
  for (size_t f = 0; f < r.features.size(); ++f) {
    const double* x = cols[r.features[f]] + begin;
    const double* cuts = r.cuts[f].data();
    const int64_t n = static_cast<int64_t>(r.cuts[f].size());
    for (int64_t i = 0; i < end - begin; ++i) {
      const double v = f32 ? static_cast<double>(static_cast<float>(x[i])) : x[i];
      const uint16_t rank = v != v ? kMissing : static_cast<uint16_t>(CountBelow(cuts, n, v, f32));
      uint16_t* a = ranks + ((i / kLanes) * columns + 2 * static_cast<int64_t>(f)) * kLanes + i % kLanes;
      a[0] = rank;
      a[kLanes] = static_cast<uint16_t>(rank + 1);
    }
  }
}

// AddTrees over the rank matrix of `rows` rows (RankRows). The lanes past the last row of a
// partial group walk stale ranks, which is harmless: their leaves are not added.
template <bool kF32>
void AddRankedTrees(const RankedTrees& r, int64_t k, const uint16_t* ranks, int64_t rows, double* raw) {
  static_assert(kLanes * sizeof(uint16_t) == 16, "RankedNode::column is a byte offset / 8 in a group");
  const int64_t columns = r.columns();
  const RankedNode* nodes = r.nodes.data();
  for (size_t t = 0; t < r.root.size(); ++t) {
    const uint32_t root = r.root[t];
    const int32_t depth = r.depth[t];
    double* out = raw + r.group[t];
    for (int64_t i = 0; i < rows; i += kLanes) {
      const char* group = reinterpret_cast<const char*>(ranks + i * columns);
      auto rank = [&](const RankedNode& n, int l) {
        uint16_t r;
        std::memcpy(&r, group + n.column * 8 + 2 * l, sizeof r);
        return r;
      };
      // The first step, from the root every lane shares (a leaf root stays itself).
      uint32_t at[kLanes];
      const RankedNode first = nodes[root];
      for (int l = 0; l < kLanes; ++l) at[l] = first.next + (rank(first, l) > first.threshold);
      for (int32_t d = 1; d < depth; ++d)
        for (int l = 0; l < kLanes; ++l) {
          const RankedNode n = nodes[at[l]];
          at[l] = n.next + (rank(n, l) > n.threshold);
        }
      for (int l = 0; l < kLanes && i + l < rows; ++l) Accumulate<kF32>(out[(i + l) * k], r.values[at[l]]);
    }
  }
}

// Leaf masks, the fastest form, for trees of at most 64 leaves (QuickScorer's idea, over
// ranks): a tree's leaves are numbered left to right, and for each ranked feature f and each
// rank r of it (its cuts' count + 1 for a missing value) the table holds one mask per tree: the
// leaves that a row whose f has rank r can still reach, as far as the tree's splits on f say
// (a split clears the leaves of the side the row does not take; a tree without a split on f
// has all bits set). The AND of a row's masks over the features leaves one bit per tree: the
// leaf the walk would reach. So a row costs a rank per feature, an AND of a table row per
// feature (the trees side by side, which the compiler vectorises) and a lookup per tree,
// whatever the trees' depth.
constexpr int64_t kMaskLeaves = 64;
constexpr int64_t kMaxMaskTable = 4 << 20;  // bytes: beyond this, the ranked walk
constexpr int64_t kMaskChunk = 16;          // a table row holds a multiple of this many trees (whole vectors)

template <typename Mask>
struct LeafMasks {
  int64_t trees = 0;
  int64_t stride = 0;           // trees rounded up to a multiple of kMaskChunk
  std::vector<int64_t> first;   // per ranked feature: its first table row (rank 0)
  std::vector<Mask> table;      // row (first[f] + rank) holds a mask per tree, at row * stride
  std::vector<double> leaves;   // tree t's leaf j at t * kMaskLeaves + j
  std::vector<int32_t> group;   // per tree
};

// The leaf masks of r's ensemble, or false when a tree has more leaves than Mask has bits or
// the table would pass kMaxMaskTable.
template <typename Mask>
bool MaskLeaves(const TreeEnsemble& e, const RankedTrees& r, LeafMasks<Mask>* out) {
  constexpr int kBits = 8 * sizeof(Mask);
  const bool f32 = e.compare == SplitCompare::kLessFloat32;
  for (const Tree& tree : e.trees)
    if (std::count_if(tree.nodes.begin(), tree.nodes.end(), [](const TreeNode& n) { return n.is_leaf(); }) > kBits)
      return false;
  LeafMasks<Mask>& m = *out;
  m.trees = static_cast<int64_t>(e.trees.size());
  m.stride = (m.trees + kMaskChunk - 1) / kMaskChunk * kMaskChunk;
  int64_t rows = 0;
  for (size_t f = 0; f < r.cuts.size(); ++f) {
    m.first.push_back(rows);
    // Ranks 0..n and missing (n + 1); categories: 0..n-1, missing (n) and any other (n + 1).
    rows += static_cast<int64_t>(r.cuts[f].size()) + 2;
  }
  if (rows * m.stride * static_cast<int64_t>(sizeof(Mask)) > kMaxMaskTable) return false;
  m.table.assign(rows * m.stride, ~Mask{0});
  m.leaves.assign(m.trees * kMaskLeaves, 0.0);
  std::vector<Mask> keep_left, keep_right;  // per cut index of a feature, below
  std::vector<Mask> keep;                    // per rank of a categorical feature
  for (int64_t t = 0; t < m.trees; ++t) {
    const Tree& tree = e.trees[t];
    m.group.push_back(tree.group);
    // Each node's leaves, numbered left to right: `order` is depth first, a node before its
    // children and left before right, so read backwards it has both children before a node.
    std::vector<Mask> below(tree.nodes.size(), 0);
    std::vector<int32_t> order, stack = {0};
    while (!stack.empty()) {
      const int32_t n = stack.back();
      stack.pop_back();
      order.push_back(n);
      if (!tree.nodes[n].is_leaf()) stack.push_back(tree.nodes[n].right), stack.push_back(tree.nodes[n].left);
    }
    int leaves = 0;
    for (int32_t n : order)
      if (tree.nodes[n].is_leaf()) {
        below[n] = Mask{1} << leaves;
        m.leaves[t * kMaskLeaves + leaves++] = tree.nodes[n].value;
      }
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      if (!tree.nodes[*it].is_leaf()) below[*it] = below[tree.nodes[*it].left] | below[tree.nodes[*it].right];
    // Per feature split on: a split at cut index c keeps its left leaves for ranks 0..c and its
    // right leaves above; prefix and suffix ANDs give every rank's mask.
    for (size_t f = 0; f < r.features.size(); ++f) {
      const int64_t n = static_cast<int64_t>(r.cuts[f].size());
      if (r.categorical[f]) {
        // Per split on f: each rank keeps the leaves of the side its category goes to.
        Mask* rows_of_f = m.table.data() + m.first[f] * m.stride + t;
        const std::vector<double>& cats = r.cuts[f];
        for (const TreeNode& node : tree.nodes) {
          if (node.is_leaf() || r.slot[node.feature] != static_cast<int32_t>(f)) continue;
          const Mask keep_l = ~below[node.right], keep_r = ~below[node.left];
          const Mask keep_missing = node.missing_left ? keep_l : keep_r;
          const CategorySplit& split = tree.categories[node.categories];
          const Mask keep_other = split.other == CategoryOther::kLeft    ? keep_l
                                  : split.other == CategoryOther::kRight ? keep_r
                                                                         : keep_missing;
          keep.assign(n + 2, keep_other);  // categories the node does not list, and rank n + 1
          keep[n] = keep_missing;
          for (const auto& [set, side] : {std::pair{&split.left, keep_l}, std::pair{&split.right, keep_r}})
            for (int32_t c : *set)
              keep[std::lower_bound(cats.begin(), cats.end(), static_cast<double>(c)) - cats.begin()] = side;
          for (int64_t rank = 0; rank <= n + 1; ++rank) rows_of_f[rank * m.stride] &= keep[rank];
        }
        continue;
      }
      keep_left.assign(n, ~Mask{0});
      keep_right.assign(n, ~Mask{0});
      Mask missing = ~Mask{0};
      bool used = false;
      for (const TreeNode& node : tree.nodes) {
        if (node.is_leaf() || r.slot[node.feature] != static_cast<int32_t>(f)) continue;
        used = true;
        const double cut = f32 ? static_cast<double>(static_cast<float>(node.threshold)) : node.threshold;
        const int64_t c = std::lower_bound(r.cuts[f].begin(), r.cuts[f].end(), cut) - r.cuts[f].begin();
        keep_left[c] &= ~below[node.right];
        keep_right[c] &= ~below[node.left];
        missing &= node.missing_left ? ~below[node.right] : ~below[node.left];
      }
      if (!used) continue;
      Mask* rows_of_f = m.table.data() + m.first[f] * m.stride + t;
      Mask suffix = ~Mask{0};  // the splits that send rank `rank` left: cut index >= rank
      for (int64_t rank = n; rank >= 0; --rank) {
        if (rank < n) suffix &= keep_left[rank];
        rows_of_f[rank * m.stride] = suffix;
      }
      Mask prefix = ~Mask{0};  // the splits that send it right: cut index < rank
      for (int64_t rank = 1; rank <= n; ++rank) {
        prefix &= keep_right[rank - 1];
        rows_of_f[rank * m.stride] &= prefix;
      }
      rows_of_f[(n + 1) * m.stride] = missing;
    }
  }
  return true;
}

// Adds every tree's leaf value to raw for `rows` rows from `begin`: kLanes rows at a time,
// so that the additions to different rows overlap (each row adds its trees in tree order).
template <bool kF32, typename Mask>
void AddMaskedTrees(const LeafMasks<Mask>& m, const RankedTrees& r, bool f32, int64_t k,
                    const double* const* cols, int64_t begin, int64_t rows, double* raw) {
  const int64_t features = static_cast<int64_t>(r.features.size()), trees = m.trees;
  std::vector<const Mask*> at(kScoreBlock * std::max<int64_t>(1, features));  // a row's table rows
  for (int64_t f = 0; f < features; ++f) {
    const double* x = cols[r.features[f]] + begin;
    const int64_t n = static_cast<int64_t>(r.cuts[f].size());
    const Mask* first = m.table.data() + m.first[f] * m.stride;
    if (r.categorical[f]) {
      for (int64_t i = 0; i < rows; ++i) at[i * features + f] = first + CategoryRank(r.cuts[f].data(), n, x[i], f32) * m.stride;
      continue;
    }
    for (int64_t i = 0; i < rows; ++i) {
      const double v = f32 ? static_cast<double>(static_cast<float>(x[i])) : x[i];
      const int64_t rank = v != v ? n + 1 : CountBelow(r.cuts[f].data(), n, v, f32);
      at[i * features + f] = first + rank * m.stride;
    }
  }
  std::vector<Mask> reach(kLanes * m.stride);
  for (int64_t i = 0; i < rows; i += kLanes) {
    const int lanes = static_cast<int>(std::min<int64_t>(kLanes, rows - i));
    for (int l = 0; l < lanes; ++l) {
      // A row's reach: the AND of its features' table rows, one feature at a time over all
      // the trees (a loop the compiler vectorises; the row of masks stays in L1).
      const Mask* const* row = at.data() + (i + l) * features;
      Mask* __restrict acc = reach.data() + l * m.stride;
      std::fill(acc, acc + m.stride, ~Mask{0});
      for (int64_t f = 0; f < features; ++f) {
        const Mask* __restrict src = row[f];
        for (int64_t t = 0; t < m.stride; ++t) acc[t] &= src[t];
      }
    }
    double* out = raw + i * k;
    for (int64_t t = 0; t < trees; ++t) {
      const double* leaves = m.leaves.data() + t * kMaskLeaves;
      double* o = out + m.group[t];
      for (int l = 0; l < lanes; ++l)
        Accumulate<kF32>(o[l * k], leaves[__builtin_ctzll(static_cast<uint64_t>(reach[l * m.stride + t]))]);
    }
  }
}

// One step down a tree from node n for row i; a leaf stays where it is. No branch depends on
// the data (the rule of the file's header, as masks): a mispredicted branch per level would
// cost more than the step.
template <SplitCompare kCompare>
inline int32_t Step(const TreeNode* nodes, int32_t n, const double* const* cols, int64_t i) {
  const TreeNode& node = nodes[n];
  const int32_t leaf = node.feature >> 31;  // -1 for a leaf, else 0
  const double x = cols[node.feature & ~leaf][i];
  int32_t left;
  if constexpr (kCompare == SplitCompare::kLessEqual) {
    left = (x <= node.threshold) | ((x != x) & node.missing_left);
  } else {
    left = (static_cast<float>(x) < static_cast<float>(node.threshold)) | ((x != x) & node.missing_left);
  }
  const int32_t child = node.right + ((node.left - node.right) & -left);
  return (n & leaf) | (child & ~leaf);
}

// Step for a tree with categorical splits: the same rule, a branch per node.
template <SplitCompare kCompare>
inline int32_t StepCategorical(const Tree& tree, int32_t n, const double* const* cols, int64_t i) {
  const TreeNode& node = tree.nodes[n];
  if (node.is_leaf()) return n;
  if (!node.is_categorical()) return Step<kCompare>(tree.nodes.data(), n, cols, i);
  return CategoryGoesLeft(tree, node, cols[node.feature][i], kCompare) ? node.left : node.right;
}

// The double walk (when the ensemble has no ranked form): adds every tree's leaf value to raw
// (rows [begin, end) x k, row-major, 0 at row `begin`). kLanes rows walk a tree together until
// all of them are at leaves, so that the CPU follows kLanes independent paths at once.
template <SplitCompare kCompare, bool kF32>
void AddTrees(const TreeEnsemble& e, const double* const* cols, int64_t begin, int64_t end, double* raw) {
  const int64_t k = e.n_outputs;
  for (const Tree& tree : e.trees) {
    if (!tree.categories.empty()) {
      // Rare (categorical splits in trees too large for leaf masks): one row at a time.
      for (int64_t i = begin; i < end; ++i) {
        int32_t n = 0;
        while (!tree.nodes[n].is_leaf()) n = StepCategorical<kCompare>(tree, n, cols, i);
        Accumulate<kF32>(raw[(i - begin) * k + tree.group], tree.nodes[n].value);
      }
      continue;
    }
    const TreeNode* nodes = tree.nodes.data();
    double* r = raw + tree.group;
    int64_t i = begin;
    for (; i + kLanes <= end; i += kLanes) {
      int32_t at[kLanes] = {};
      bool done = false;
      while (!done) {
        done = true;
        for (int l = 0; l < kLanes; ++l) {
          at[l] = Step<kCompare>(nodes, at[l], cols, i + l);
          done &= nodes[at[l]].is_leaf();
        }
      }
      for (int l = 0; l < kLanes; ++l) Accumulate<kF32>(r[(i - begin + l) * k], nodes[at[l]].value);
    }
    for (; i < end; ++i) {
      int32_t n = 0;
      while (!nodes[n].is_leaf()) n = Step<kCompare>(nodes, n, cols, i);
      Accumulate<kF32>(r[(i - begin) * k], nodes[n].value);
    }
  }
}

// How many trees add to each output (the divisor of kAverage).
std::vector<double> TreesPerOutput(const TreeEnsemble& e) {
  std::vector<double> count(e.n_outputs, 0.0);
  for (const Tree& t : e.trees) count[t.group] += 1;
  return count;
}

// The forms an ensemble is scored by, the first one present: leaf masks (32 or 64 bits),
// the ranked walk, else the double walk.
struct Forms {
  const LeafMasks<uint32_t>* masks32 = nullptr;
  const LeafMasks<uint64_t>* masks64 = nullptr;
  const RankedTrees* ranked = nullptr;
};

void ScoreRows(const TreeEnsemble& e, const Forms& forms, const Features& X, int64_t begin, int64_t end,
               double* out, bool apply_link) {
  const auto [masks32, masks64, ranked] = forms;
  const int64_t k = e.n_outputs;
  std::vector<const double*> cols(std::max<size_t>(1, X.names.size()), X.values.data());
  for (size_t j = 0; j < X.names.size(); ++j) cols[j] = X.col(j);
  const std::vector<double> per_output = e.link == TreeLink::kAverage ? TreesPerOutput(e) : std::vector<double>();
  std::vector<uint16_t> ranks(ranked && !masks32 && !masks64 ? std::max<int64_t>(1, ranked->columns()) * kScoreBlock : 0);
  static_assert(kScoreBlock % kLanes == 0, "blocks of whole lane groups");
  for (int64_t b = begin; b < end; b += kScoreBlock) {
    const int64_t stop = std::min(end, b + kScoreBlock);
    double* raw = out + b * k;
    // XGBoost's rule: the sum starts at the base score and is rounded to float after every
    // tree, as XGBoost sums (Accumulate). Otherwise the trees are summed in double and the base
    // score added after them.
    const bool f32 = e.compare == SplitCompare::kLessFloat32, sum32 = e.float32_sums;
    const bool base_first = sum32 && e.link != TreeLink::kAverage;
    for (int64_t i = 0; i < stop - b; ++i)
      for (int64_t j = 0; j < k; ++j)
        raw[i * k + j] = base_first ? static_cast<double>(static_cast<float>(e.base_score[j])) : 0.0;
    if (masks32) {
      if (sum32) AddMaskedTrees<true>(*masks32, *ranked, f32, k, cols.data(), b, stop - b, raw);
      else AddMaskedTrees<false>(*masks32, *ranked, f32, k, cols.data(), b, stop - b, raw);
    } else if (masks64) {
      if (sum32) AddMaskedTrees<true>(*masks64, *ranked, f32, k, cols.data(), b, stop - b, raw);
      else AddMaskedTrees<false>(*masks64, *ranked, f32, k, cols.data(), b, stop - b, raw);
    } else if (ranked) {
      RankRows(*ranked, f32, cols.data(), b, stop, ranks.data());
      if (sum32) AddRankedTrees<true>(*ranked, k, ranks.data(), stop - b, raw);
      else AddRankedTrees<false>(*ranked, k, ranks.data(), stop - b, raw);
    } else if (!f32) {
      if (sum32) AddTrees<SplitCompare::kLessEqual, true>(e, cols.data(), b, stop, raw);
      else AddTrees<SplitCompare::kLessEqual, false>(e, cols.data(), b, stop, raw);
    } else {
      if (sum32) AddTrees<SplitCompare::kLessFloat32, true>(e, cols.data(), b, stop, raw);
      else AddTrees<SplitCompare::kLessFloat32, false>(e, cols.data(), b, stop, raw);
    }
    for (int64_t i = 0; i < stop - b; ++i) {
      double* r = raw + i * k;
      for (int64_t j = 0; j < k; ++j) {
        if (e.link == TreeLink::kAverage && per_output[j] > 0) r[j] /= per_output[j];
        if (!base_first) r[j] += e.base_score[j];
      }
      if (!apply_link) continue;
      switch (e.link) {
        case TreeLink::kIdentity:
        case TreeLink::kAverage: break;
        case TreeLink::kSigmoid:
          for (int64_t j = 0; j < k; ++j) {
            const double z = r[j];
            r[j] = z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
          }
          break;
        case TreeLink::kSoftmax: {
          const double top = *std::max_element(r, r + k);
          double sum = 0;
          for (int64_t j = 0; j < k; ++j) sum += (r[j] = std::exp(r[j] - top));
          for (int64_t j = 0; j < k; ++j) r[j] /= sum;
          break;
        }
      }
    }
  }
}

void Score(const TreeEnsemble& e, const Features& X, double* out, int threads, bool apply_link) {
  if (static_cast<int64_t>(X.names.size()) != e.n_features) {
    Fail(ErrorCode::kSchema, "tree ensemble: the model was fitted on " + std::to_string(e.n_features) +
                                 " features, got " + std::to_string(X.names.size()));
  }
  RankedTrees ranked;
  LeafMasks<uint32_t> masks32;
  LeafMasks<uint64_t> masks64;
  Forms forms;
  if (Rank(e, &ranked)) {
    if (MaskLeaves(e, ranked, &masks32)) {
      forms.masks32 = &masks32;
    } else if (MaskLeaves(e, ranked, &masks64)) {
      forms.masks64 = &masks64;
    }
    if (forms.masks32 || forms.masks64 || ranked.walkable) forms.ranked = &ranked;
  }
  const int64_t tasks = (X.rows + kTaskRows - 1) / kTaskRows;
  if (threads <= 1 || tasks <= 1) {
    ScoreRows(e, forms, X, 0, X.rows, out, apply_link);
    return;
  }
  ParallelForFirstError(static_cast<size_t>(tasks), threads, FirstError::kLowestIndex, [&](size_t t) {
    const int64_t begin = static_cast<int64_t>(t) * kTaskRows;
    ScoreRows(e, forms, X, begin, std::min(X.rows, begin + kTaskRows), out, apply_link);
  });
}

std::string At(const std::string& key, size_t i) { return key + "[" + std::to_string(i) + "]"; }

// An integer in [lo, hi) at `path`.
int64_t IndexAt(const StateReader& r, const Json& v, const std::string& path, int64_t lo, int64_t hi,
                const std::string& what) {
  if (!v.is_number_integer()) r.Bad(path, "must be a whole number, not " + (v.is_number() ? v.dump() : std::string(v.type_name())));
  const int64_t x = v.get<int64_t>();
  if (x < lo || x >= hi)
    r.Bad(path, "is " + std::to_string(x) + ", " + what + " (" + std::to_string(lo) + " to " + std::to_string(hi - 1) + ")");
  return x;
}

const char* const kTreeKeys[] = {"group", "feature", "threshold", "left", "right", "missing_left", "value"};

// A categorical node's set at `path`: whole numbers in [0, kMaxCategory], ascending.
std::vector<int32_t> CategorySetAt(const StateReader& r, const Json& v, const std::string& path) {
  if (!v.is_array()) r.Bad(path, "must be a list of categories, not " + std::string(v.type_name()));
  std::vector<int32_t> set;
  set.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const int64_t c = IndexAt(r, v[i], At(path, i), 0, kMaxCategory + 1, "not a category");
    if (!set.empty() && c <= set.back())
      r.Bad(At(path, i), "is " + std::to_string(c) + ", not above the category before it (the list is ascending, "
                         "each category once)");
    set.push_back(static_cast<int32_t>(c));
  }
  return set;
}

// Node i's entry of a tree's "categories": null for a leaf or a numeric split, else
// {"left": [...], "right": [...]}, disjoint.
void CategoriesAt(const StateReader& r, const Json& v, const std::string& path, size_t i, Tree* tree) {
  TreeNode& node = tree->nodes[i];
  if (v.is_null()) return;
  if (node.is_leaf()) r.Bad(path, "must be null: node " + std::to_string(i) + " is a leaf (feature -1)");
  const bool has_other = v.is_object() && v.contains("other");
  if (!v.is_object() || v.size() != 2u + has_other || !v.contains("left") || !v.contains("right"))
    r.Bad(path, "must be null (a numeric split) or {\"left\": [categories], \"right\": [categories], \"other\": "
                "\"missing\" | \"left\" | \"right\" (optional)}, not " + v.dump());
  if (node.threshold != 0)
    r.Bad(path, "is a categorical split, whose threshold is 0 (unused), but the threshold is " + Json(node.threshold).dump());
  CategorySplit split;
  split.left = CategorySetAt(r, v["left"], path + ".left");
  split.right = CategorySetAt(r, v["right"], path + ".right");
  if (has_other) {
    const Json& other = v["other"];
    if (other == "left") split.other = CategoryOther::kLeft;
    else if (other == "right") split.other = CategoryOther::kRight;
    else if (other != "missing") r.Bad(path + ".other", "is " + other.dump() + ", not \"missing\", \"left\" or \"right\"");
  }
  for (int32_t c : split.left)
    if (Holds(split.right, c))
      r.Bad(path + ".right", "holds category " + std::to_string(c) + ", which 'left' holds too (a category goes one way)");
  node.categories = static_cast<int32_t>(tree->categories.size());
  tree->categories.push_back(std::move(split));
}

// Errors name "state.WHERE.KEY[i]" through `r`, the reader of the whole state.
Tree TreeFromJson(const StateReader& r, const Json& j, const std::string& where, int64_t n_features,
                  int32_t n_outputs) {
  auto bad = [&](const std::string& path, const std::string& why) { r.Bad(where + (path.empty() ? "" : "." + path), why); };
  if (!j.is_object()) bad("", "must be an object, not " + std::string(j.type_name()));
  for (const char* key : kTreeKeys)
    if (!j.contains(key)) bad("", "has no '" + std::string(key) + "'");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key != "categories" &&
        std::find_if(std::begin(kTreeKeys), std::end(kTreeKeys), [&](const char* k) { return key == k; }) == std::end(kTreeKeys))
      bad(key, "is not a key of a tree (known: group, feature, threshold, left, right, missing_left, value, categories)");
  }
  auto index = [&](const Json& v, const std::string& path, int64_t lo, int64_t hi, const std::string& what) {
    return IndexAt(r, v, where + "." + path, lo, hi, what);
  };
  Tree tree;
  tree.group = static_cast<int32_t>(index(j["group"], "group", 0, n_outputs, "not an output of the model"));
  const Json& feature = j["feature"];
  if (!feature.is_array()) bad("feature", "must be a list, not " + std::string(feature.type_name()));
  const size_t n = feature.size();
  if (n == 0) bad("feature", "is empty: a tree has at least one node");
  for (const char* key : {"threshold", "left", "right", "missing_left", "value", "categories"}) {
    if (!j.contains(key)) continue;  // "categories" is optional
    const Json& a = j[key];
    if (!a.is_array()) bad(key, "must be a list, not " + std::string(a.type_name()));
    if (a.size() != n)
      bad(key, "has " + std::to_string(a.size()) + " entries, but 'feature' has " + std::to_string(n) + " (one per node)");
  }
  auto finite = [&](const Json& v, const std::string& path) {
    if (!v.is_number()) bad(path, "must be a number, not " + std::string(v.type_name()));
    const double x = v.get<double>();
    if (!std::isfinite(x)) bad(path, "is not finite");
    return x;
  };
  tree.nodes.resize(n);
  const int64_t nodes = static_cast<int64_t>(n);
  for (size_t i = 0; i < n; ++i) {
    TreeNode& node = tree.nodes[i];
    node.feature = static_cast<int32_t>(index(feature[i], At("feature", i), -1, n_features,
                                              "not -1 (a leaf) or a feature of the model"));
    node.threshold = finite(j["threshold"][i], At("threshold", i));
    node.value = finite(j["value"][i], At("value", i));
    const Json& missing = j["missing_left"][i];
    if (!missing.is_boolean()) bad(At("missing_left", i), "must be true or false, not " + missing.dump());
    node.missing_left = missing.get<bool>();
    if (node.is_leaf()) {
      for (const char* side : {"left", "right"}) {
        const Json& c = j[side][i];
        if (!(c.is_number_integer() && c.get<int64_t>() == -1))
          bad(At(side, i), "must be -1: node " + std::to_string(i) + " is a leaf (feature -1), got " + c.dump());
      }
    } else {
      node.left = static_cast<int32_t>(index(j["left"][i], At("left", i), 0, nodes, "not a node of this tree"));
      node.right = static_cast<int32_t>(index(j["right"][i], At("right", i), 0, nodes, "not a node of this tree"));
    }
    if (j.contains("categories")) CategoriesAt(r, j["categories"][i], where + "." + At("categories", i), i, &tree);
  }
  // Every node reached from the root exactly once, no deeper than kMaxTreeDepth: a walk that
  // meets a node twice has found a cycle or a node with two parents.
  std::vector<char> reached(n, 0);
  struct Visit {
    int32_t node;
    int depth;
  };
  std::vector<Visit> stack = {{0, 0}};
  reached[0] = 1;
  while (!stack.empty()) {
    const Visit v = stack.back();
    stack.pop_back();
    const TreeNode& node = tree.nodes[v.node];
    if (node.is_leaf()) continue;
    if (v.depth + 1 > kMaxTreeDepth)
      bad(At("left", v.node), "makes the tree deeper than " + std::to_string(kMaxTreeDepth) + " levels (the cap)");
    for (const auto& [child, side] : {std::pair{node.left, "left"}, std::pair{node.right, "right"}}) {
      if (reached[child])
        bad(At(side, v.node), "is " + std::to_string(child) + ", a node reached already (a cycle, or a node with two parents)");
      reached[child] = 1;
      stack.push_back({child, v.depth + 1});
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!reached[i]) bad(At("feature", i), "node " + std::to_string(i) + " is not reached from the root");
  return tree;
}

}  // namespace

bool CategoryGoesLeft(const Tree& tree, const TreeNode& node, double x, SplitCompare compare) {
  if (x != x) return node.missing_left;
  const CategorySplit& split = tree.categories[node.categories];
  const int64_t c = CategoryOf(x, compare == SplitCompare::kLessFloat32);
  if (c >= 0 && Holds(split.left, c)) return true;
  if (c >= 0 && Holds(split.right, c)) return false;
  return split.other == CategoryOther::kMissing ? node.missing_left : split.other == CategoryOther::kLeft;
}

void TreeEnsemble::Predict(const Features& X, double* out, int threads) const { Score(*this, X, out, threads, true); }

void TreeEnsemble::RawScores(const Features& X, double* out, int threads) const {
  Score(*this, X, out, threads, false);
}

const char* LinkName(TreeLink link) {
  switch (link) {
    case TreeLink::kIdentity: return "identity";
    case TreeLink::kSigmoid: return "sigmoid";
    case TreeLink::kSoftmax: return "softmax";
    case TreeLink::kAverage: return "average";
  }
  return "?";
}

const char* CompareName(SplitCompare compare) {
  return compare == SplitCompare::kLessEqual ? "x <= threshold" : "float32(x) < float32(threshold)";
}

Json TreeEnsembleToJson(const TreeEnsemble& e) {
  Json trees = Json::array();
  for (const Tree& t : e.trees) {
    Json feature = Json::array(), threshold = Json::array(), left = Json::array(), right = Json::array(),
         missing = Json::array(), value = Json::array(), categories = Json::array();
    for (const TreeNode& n : t.nodes) {
      feature.push_back(n.feature);
      threshold.push_back(n.threshold);
      left.push_back(n.left);
      right.push_back(n.right);
      missing.push_back(n.missing_left);
      value.push_back(n.value);
      if (n.is_categorical()) {
        const CategorySplit& split = t.categories[n.categories];
        Json entry = {{"left", split.left}, {"right", split.right}};
        if (split.other != CategoryOther::kMissing) entry["other"] = split.other == CategoryOther::kLeft ? "left" : "right";
        categories.push_back(entry);
      } else {
        categories.push_back(nullptr);
      }
    }
    Json tree = {{"group", t.group}, {"feature", feature}, {"threshold", threshold}, {"left", left},
                 {"right", right}, {"missing_left", missing}, {"value", value}};
    if (!t.categories.empty()) tree["categories"] = categories;  // absent: no categorical split
    trees.push_back(tree);
  }
  Json state = {{"n_features", e.n_features}, {"n_outputs", e.n_outputs}, {"link", LinkName(e.link)},
                {"compare", CompareName(e.compare)}, {"base_score", e.base_score}, {"trees", trees}};
  if (e.float32_sums) state["sums"] = "float32";  // absent: double, as every file before it
  return state;
}

TreeEnsemble TreeEnsembleFromJson(const std::string& kind, const Json& state) {
  const std::vector<std::string> keys = {"n_features", "n_outputs", "link", "compare", "base_score", "trees"};
  StateReader r(kind, state, keys);
  for (const auto& [key, value] : state.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end() && key != "sums")
      r.Bad(key, "is not a key of this state (known: n_features, n_outputs, link, compare, base_score, trees, sums)");
  TreeEnsemble e;
  e.n_features = IndexAt(r, state["n_features"], "n_features", 0, int64_t{1} << 31, "not a feature count");
  e.n_outputs = static_cast<int32_t>(IndexAt(r, state["n_outputs"], "n_outputs", 1, int64_t{1} << 20, "not an output count"));
  const Json& link = state["link"];
  bool known = false;
  for (TreeLink l : {TreeLink::kIdentity, TreeLink::kSigmoid, TreeLink::kSoftmax, TreeLink::kAverage})
    if (link == LinkName(l)) e.link = l, known = true;
  if (!known) r.Bad("link", "is " + link.dump() + ", not one of \"identity\", \"sigmoid\", \"softmax\", \"average\"");
  const Json& compare = state["compare"];
  if (compare == CompareName(SplitCompare::kLessEqual)) {
    e.compare = SplitCompare::kLessEqual;
  } else if (compare == CompareName(SplitCompare::kLessFloat32)) {
    e.compare = SplitCompare::kLessFloat32;
  } else {
    r.Bad("compare", "is " + compare.dump() + ", not \"" + CompareName(SplitCompare::kLessEqual) + "\" or \"" +
                         CompareName(SplitCompare::kLessFloat32) + "\"");
  }
  e.base_score = r.Numbers("base_score", e.n_outputs, "output, as state.n_outputs says");
  if (state.contains("sums")) {
    if (state["sums"] != "float32" && state["sums"] != "double")
      r.Bad("sums", "is " + state["sums"].dump() + ", not \"float32\" or \"double\"");
    e.float32_sums = state["sums"] == "float32";
  }
  const Json& trees = r.Array("trees");
  e.trees.reserve(trees.size());
  for (size_t t = 0; t < trees.size(); ++t)
    e.trees.push_back(TreeFromJson(r, trees[t], At("trees", t), e.n_features, e.n_outputs));
  // A feature is split on thresholds or on categories, not both (the scorer ranks it one way).
  std::vector<int8_t> way(e.n_features, -1);  // per feature: -1 unsplit, 0 thresholds, 1 categories
  for (size_t t = 0; t < e.trees.size(); ++t)
    for (size_t i = 0; i < e.trees[t].nodes.size(); ++i) {
      const TreeNode& node = e.trees[t].nodes[i];
      if (node.is_leaf()) continue;
      int8_t& w = way[node.feature];
      if (w >= 0 && w != static_cast<int8_t>(node.is_categorical()))
        r.Bad(At("trees", t) + "." + At("categories", i),
              "feature " + std::to_string(node.feature) + " is split " + (node.is_categorical() ? "on categories" : "on a threshold") +
                  " here and " + (w ? "on categories" : "on thresholds") + " elsewhere: a feature is split one way");
      w = static_cast<int8_t>(node.is_categorical());
    }
  return e;
}

}  // namespace outcore
