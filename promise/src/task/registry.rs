//! The loop's registry of tasks that something outside the loop's queues may resume: tasks
//! whose waker has clones out (a wake arrives through the `Remote` as "resume task (key, id)",
//! and finds the task here), and tasks awaiting a pending promise.
//!
//! The registry holds them strongly. That is what keeps a task waiting on a foreign waker
//! alive (the waker is `Send` and cannot hold it), and what frees a task in a cycle with the
//! promise it awaits (task -> its future -> the promise -> its reaction -> the task): when the
//! loop is dropped, the registry drops every task's future, which breaks the cycle. A task
//! enters on first need and leaves when it finishes; most tasks never enter.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use settle_runtime::{Handle, Remote};
use slab::Slab;

use super::core::{TaskRef, cancel, resume};

/// The loop's registered tasks, a per-loop extension (`Handle::extension`).
struct Registry {
    /// Each task with the id its links and posted wakes know it by.
    tasks: RefCell<Slab<(u64, TaskRef)>>,
    next_id: Cell<u64>,
    /// Not keeping the loop alive; cloned into links (`waker.rs`) and used for self-wakes.
    remote: Remote,
}

/// A registered task's entry, as `ensure_registered` returns it.
pub(crate) struct Entry {
    registry: Rc<Registry>,
    pub(super) key: usize,
    /// Tells this task from a later one under the same key.
    pub(super) id: u64,
}

impl Entry {
    /// A remote for a link, keeping the loop alive while the link lives.
    pub(super) fn keep_alive_remote(&self) -> Remote {
        let mut remote = self.registry.remote.clone();
        remote.set_keep_alive(true);
        remote
    }

    /// Posts the task's own wake: it is polled again in a macrotask of its own.
    pub(super) fn post_wake(&self) {
        let (key, id) = (self.key, self.id);
        let _ = self.registry.remote.post(move || wake_registered(key, id));
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // The loop is being dropped: stop every task still registered, which drops its future
        // and so breaks any cycle through the promises it awaits.
        let tasks = std::mem::take(self.tasks.get_mut());
        for (_, (_, task)) in tasks {
            cancel(&task);
        }
    }
}

/// The current loop's registry.
fn current() -> Option<Rc<Registry>> {
    let handle = Handle::try_current().ok()?;
    Some(handle.extension(|| Registry {
        tasks: RefCell::default(),
        next_id: Cell::new(0),
        remote: handle.remote(),
    }))
}

/// Puts the task in the current loop's registry, if it is not there yet; `None` when no loop
/// is current or the task is done.
pub(crate) fn ensure_registered(task: &TaskRef) -> Option<Entry> {
    let header = &task.task().header;
    if header.is_done() {
        return None;
    }
    let registry = current()?;
    if let Some(key) = header.registry_key() {
        let id = match registry.tasks.borrow().get(key) {
            Some((id, registered)) if crate::pool::PoolRc::ptr_eq(registered, task) => *id,
            _ => return None, // registered with another loop
        };
        return Some(Entry { registry, key, id });
    }
    let id = registry.next_id.get();
    registry.next_id.set(id + 1);
    let key = registry.tasks.borrow_mut().insert((id, task.clone()));
    if !header.set_registry_key(key) {
        // More registered tasks than a `u32` counts: this one cannot be woken from outside.
        let removed = registry.tasks.borrow_mut().remove(key);
        drop(removed);
        return None;
    }
    Some(Entry { registry, key, id })
}

/// Takes a finished task out of the registry (of the current loop: its own, which resumes it).
pub(super) fn unregister(task: &TaskRef, key: usize) {
    let Some(registry) = current() else { return };
    let mut tasks = registry.tasks.borrow_mut();
    if tasks.get(key).is_some_and(|(_, registered)| crate::pool::PoolRc::ptr_eq(registered, task)) {
        let removed = tasks.remove(key);
        drop(tasks);
        drop(removed);
    }
}

/// A posted wake, on the loop thread: polls task (key, id) if it is still registered.
pub(super) fn wake_registered(key: usize, id: u64) {
    let Some(registry) = current() else { return };
    let task = registry.tasks.borrow().get(key).filter(|(i, _)| *i == id).map(|(_, task)| task.clone());
    if let Some(task) = task {
        resume(&task, None);
    }
}
