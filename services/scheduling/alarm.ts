/**
 * A sleep that can be cut short. A `wake()` while nobody sleeps is kept, so the next sleep
 * returns at once: a timer armed while the firing loop was busy is not missed.
 */
export class Alarm {
  private woken = false;
  private ring?: () => void;

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.ring?.(), Math.max(0, ms));
      this.ring = () => {
        clearTimeout(timer);
        this.ring = undefined;
        resolve();
      };
    });
  }

  wake(): void {
    if (this.ring) this.ring();
    else this.woken = true;
  }
}
