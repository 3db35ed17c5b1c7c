import { getMetadataStorage } from 'class-validator';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isNullable, Nullable } from './decorators';
import { dropUndefined, unexpectedNulls } from './validation.pipe';

function dtoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? dtoFiles(join(dir, e.name)) : e.name.endsWith('.dto.ts') ? [join(dir, e.name)] : [],
  );
}

describe('request DTOs', () => {
  it('never validate a nested object only when it is present (every @ValidateNested also checks its shape)', async () => {
    for (const file of dtoFiles(join(__dirname, '../../modules'))) await import(file);
    const byProperty = new Map<string, Set<string>>();
    const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<{ name: string }, { type: string; name?: string; propertyName: string }[]> };
    for (const [target, metas] of storage.validationMetadatas) {
      for (const m of metas) {
        const key = `${target.name}.${m.propertyName}`;
        const kinds = byProperty.get(key) ?? new Set<string>();
        kinds.add(m.type === 'customValidation' ? (m.name ?? '') : m.type);
        byProperty.set(key, kinds);
      }
    }
    const nested = [...byProperty].filter(([, kinds]) => kinds.has('nestedValidation'));
    expect(nested.length).toBeGreaterThan(0);
    const unchecked = nested.filter(([, kinds]) => !kinds.has('isObject') && !kinds.has('isArray')).map(([k]) => k);
    expect(unchecked).toEqual([]);
  });
});

describe('unexpectedNulls', () => {
  class Inner {
    @Nullable() note?: string | null;
    code?: string;
  }
  class Outer {
    name?: string | null;
    @Nullable() label?: string | null;
    inner?: Inner;
    items?: Inner[];
  }

  it('names every null that is not declared nullable, nested DTOs included', () => {
    const inner = Object.assign(new Inner(), { note: null, code: null });
    const dto = Object.assign(new Outer(), { name: null, label: null, inner, items: [Object.assign(new Inner(), { code: null })] });
    expect(unexpectedNulls(dto)).toEqual({
      name: ['name must not be null'],
      'inner.code': ['code must not be null'],
      'items.0.code': ['code must not be null'],
    });
    expect(isNullable(new Outer(), 'label')).toBe(true);
  });

  it('leaves nulls inside free-form JSON objects alone', () => {
    expect(unexpectedNulls(Object.assign(new Outer(), { inner: undefined, payload: { a: null } }))).toEqual({});
  });
});

describe('dropUndefined', () => {
  it('removes the undefined own properties ES2022 class fields give every DTO instance (a PATCH spread must not erase)', () => {
    class Patch {
      name?: string;
      rate?: number;
      nested?: object;
    }
    const inner = Object.assign(new Patch(), { name: undefined, rate: 1 });
    const dto = Object.assign(new Patch(), { name: undefined, rate: 5, nested: inner });
    dropUndefined(dto);
    expect(Object.keys(dto)).toEqual(['rate', 'nested']);
    expect(Object.keys(inner)).toEqual(['rate']);
  });
});
