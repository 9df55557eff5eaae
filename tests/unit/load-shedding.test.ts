import { describe, expect, it } from 'vitest';
import { lagUnderLoad, SHED_MIN_CONNECTIONS } from '../../src/web/load-shedding.js';

describe('the lag load shedding acts on', () => {
  it('is the sampler’s reading only while many connections are open', () => {
    let connections = 0;
    const lag = lagUnderLoad(() => 250, () => connections);
    expect(lag()).toBe(0); // a pause with one shopper there is not overload
    connections = SHED_MIN_CONNECTIONS - 1;
    expect(lag()).toBe(0);
    connections = SHED_MIN_CONNECTIONS;
    expect(lag()).toBe(250);
  });
});
