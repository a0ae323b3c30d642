/**
 * Group commit: collects work items from concurrent jobs for up to `maxWaitMs` or `maxSize`
 * items, applies them together in one call (one transaction), and settles each item only after
 * that call returns — so a job completes only once its effect is committed.
 */
export interface GroupCommitOptions {
  maxSize: number;
  /**
   * Longest wait to fill a group while a commit slot is free. 0: the group leaves on the next turn
   * of the event loop with what arrived in this one; under load the groups still grow, because
   * items arriving while all slots commit wait and leave together.
   */
  maxWaitMs: number;
  /**
   * Groups committing at once. While they commit, new items wait and form the next, larger
   * group — the classic group-commit effect; more groups in flight would only queue on the
   * same row locks.
   */
  maxInFlight?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: { cancel: () => void } | undefined;
  private running = 0;

  constructor(
    private readonly options: GroupCommitOptions,
    /** Applies items together; returns one result per item, in order. */
    private readonly applyGroup: (items: I[]) => Promise<O[]>,
    /** Applies one item alone; used when a group fails, so one bad item fails only itself. */
    private readonly applyOne: (item: I) => Promise<O>,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxSize) this.flush();
      else this.timer ??= this.schedule();
    });
  }

  /** Groups in flight right now. */
  get inFlight(): number {
    return this.running;
  }

  private schedule(): { cancel: () => void } {
    if (this.options.maxWaitMs > 0) {
      const t = setTimeout(() => this.flush(), this.options.maxWaitMs);
      return { cancel: () => clearTimeout(t) };
    }
    const i = setImmediate(() => this.flush());
    return { cancel: () => clearImmediate(i) };
  }

  private flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    while (this.queue.length && this.running < (this.options.maxInFlight ?? 2)) {
      const group = this.queue.splice(0, this.options.maxSize);
      void this.run(group);
    }
  }

  private async run(group: Pending<I, O>[]): Promise<void> {
    this.running++;
    try {
      const results = await this.applyGroup(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (group.length === 1) group[0]!.reject(err);
      else for (const p of group) await this.applyOne(p.item).then(p.resolve, p.reject);
    } finally {
      this.running--;
      if (this.queue.length) this.flush();
    }
  }
}
