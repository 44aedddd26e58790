// IntrusiveList: a doubly linked list threaded through its cells' own `prev`
// and `next` members, for the registries of handles that C++ code owns
// (Weak, Guardian): O(1) insertion and removal, no allocation.
#ifndef KAMO_MEM_INTERNAL_INTRUSIVE_LIST_H_
#define KAMO_MEM_INTERNAL_INTRUSIVE_LIST_H_

#include <cstddef>

namespace kamo::mem::internal {

template <typename Cell>
class IntrusiveList {
 public:
  Cell* front() const { return head_; }
  std::size_t size() const { return size_; }

  void PushFront(Cell* cell) {
    cell->prev = nullptr;
    cell->next = head_;
    if (head_ != nullptr) head_->prev = cell;
    head_ = cell;
    ++size_;
  }

  // `cell` must be on this list.
  void Erase(Cell* cell) {
    if (cell->prev != nullptr) cell->prev->next = cell->next;
    if (cell->next != nullptr) cell->next->prev = cell->prev;
    if (head_ == cell) head_ = cell->next;
    cell->prev = cell->next = nullptr;
    --size_;
  }

 private:
  Cell* head_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_INTRUSIVE_LIST_H_
