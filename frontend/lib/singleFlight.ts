/**
 * One task at a time: a request that must not be sent twice (an order) is refused while the
 * previous one is on its way, whatever asked for it (a click, Enter in a field, the form's
 * requestSubmit()). Synchronous bookkeeping, so two events in the same frame cannot both start
 * one (React state, e.g. a disabled button, changes only at the next render).
 */
export class SingleFlight {
  private running = false;

  /** Whether a task is on its way. */
  get busy(): boolean {
    return this.running;
  }

  /** Runs `task` unless one is still running; resolves to false when it was refused. */
  async run(task: () => Promise<void>): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    try {
      await task();
    } finally {
      this.running = false;
    }
    return true;
  }
}
