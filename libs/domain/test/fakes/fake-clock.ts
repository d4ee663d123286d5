import { Clock } from '../../src/shared/clock';

/** A clock tests set and move; it never moves by itself. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start: Date = new Date('2030-01-01T00:00:00.000Z')) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date): void {
    this.current = at.getTime();
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}
