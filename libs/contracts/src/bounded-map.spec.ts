import { BoundedMap } from './bounded-map';

function filled(capacity: number, keys: string[]): BoundedMap<string, number> {
  const map = new BoundedMap<string, number>(capacity);
  keys.forEach((key, i) => map.set(key, i));
  return map;
}

function kept(map: BoundedMap<string, number>, keys: string[]): string[] {
  return keys.filter((key) => map.has(key));
}

describe('BoundedMap', () => {
  it('keeps at most `capacity` entries, dropping the oldest first', () => {
    const map = filled(3, ['a', 'b', 'c', 'd', 'e']);
    expect(map.size).toBe(3);
    expect(kept(map, ['a', 'b', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
    expect(map.get('c')).toBe(2);
    expect(map.get('a')).toBeUndefined();
  });

  it('does not make an entry younger when it is read', () => {
    const map = filled(2, ['a', 'b']);
    expect(map.get('a')).toBe(0);
    expect(map.has('a')).toBe(true);
    map.set('c', 2);
    expect(kept(map, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('set: a key stored again keeps its age, with the new value', () => {
    const map = filled(2, ['a', 'b']);
    map.set('a', 10);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBe(10);
    map.set('c', 2);
    expect(kept(map, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('setNewest: a key stored again becomes the newest', () => {
    const map = filled(2, ['a', 'b']);
    map.setNewest('a', 10);
    expect(map.size).toBe(2);
    map.set('c', 2);
    expect(kept(map, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(map.get('a')).toBe(10);
  });

  it('setNewest of a new key evicts the oldest past capacity', () => {
    const map = filled(2, ['a', 'b']);
    map.setNewest('c', 2);
    expect(kept(map, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('delete frees a place, and clear every place', () => {
    const map = filled(2, ['a', 'b']);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.size).toBe(1);
    map.set('c', 2);
    expect(kept(map, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get('b')).toBeUndefined();
  });

  it('with capacity 1 keeps only the last key stored', () => {
    const map = filled(1, ['a', 'b']);
    expect(kept(map, ['a', 'b'])).toEqual(['b']);
  });

  it('refuses a capacity that is not a whole number of at least 1', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => new BoundedMap(capacity)).toThrow(RangeError);
    }
  });
});
