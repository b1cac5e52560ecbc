#pragma once
// Private to the result budget: cutting the lists of a structured result and recording their
// true lengths.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <string>

namespace quarry::pipeline::detail {

//! A list that was cut: its length before the cut, and its JSON pointer with every array
//! index replaced by "*" ("/pearson/*" for each row of a matrix), which groups like lists.
struct CutList {
  std::size_t true_length = 0;
  std::string pattern;
};

//! A structured result with its long lists cut.
struct ListCut {
  nlohmann::json value;
  //! Every list that was cut, by JSON pointer ("/rows", "/pearson/3").
  std::map<std::string, CutList> lists;
  //! The longest any list may be in `value`.
  std::size_t limit = 0;
};

//! `value` with every array longer than `limit` cut to its first `limit` items (arrays inside
//! the items kept are cut too). Copies only what is kept.
[[nodiscard]] ListCut cut_lists(const nlohmann::json& value, std::size_t limit);

//! `earlier` cut further to `limit` (below earlier.limit): lists keep the true lengths
//! recorded by the earlier cut; lists that fell away with their parent are forgotten.
[[nodiscard]] ListCut cut_further(const ListCut& earlier, std::size_t limit);

//! The true lengths for the result's "totals": one entry per list pattern when every list of
//! the pattern had the same length ("/pearson/*": 1000), else one per list pointer.
[[nodiscard]] nlohmann::json grouped_totals(const std::map<std::string, CutList>& lists);

}  // namespace quarry::pipeline::detail
