import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvLimitError, CsvTokenizer, unquote } from '../../src/io/csv.js';

interface Row {
  fields: string[];
  line: number;
}

const utf8 = (bytes: Uint8Array, start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('utf8');

function tokenize(text: string, delimiter = ',', chunkSizes: number[] = []): { rows: Row[]; error?: unknown } {
  const rows: Row[] = [];
  const tokenizer = new CsvTokenizer(delimiter, (row) => rows.push({ fields: row.texts(), line: row.line }), utf8);
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  for (const size of chunkSizes) {
    tokenizer.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  tokenizer.push(bytes.subarray(offset));
  const error = tokenizer.end();
  return error ? { rows, error } : { rows };
}

describe('CsvTokenizer', () => {
  it('gives each row the physical line where it starts, across quoted line breaks and blank lines', () => {
    const text = 'a,b\r\n\r\n1,"x\r\ny"\r\n2,3\n\n\n4,"p\nq\nr"\n5,6';
    const { rows } = tokenize(text);
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [3, ['1', 'x\r\ny']],
      [5, ['2', '3']],
      [8, ['4', 'p\nq\nr']],
      [11, ['5', '6']],
    ]);
  });

  it('reads escaped quotes, delimiters inside quotes, empty fields and a lone CR line end', () => {
    const { rows } = tokenize('"He said ""hi""","a,b",,\r"",x\r');
    expect(rows.map((r) => r.fields)).toEqual([['He said "hi"', 'a,b', '', ''], ['', 'x']]);
    expect(rows.map((r) => r.line)).toEqual([1, 2]);
  });

  it('keeps a stray quote inside an unquoted field as text, and text after a closing quote, as Excel does', () => {
    expect(tokenize('5"x,6\n').rows[0]!.fields).toEqual(['5"x', '6']);
    expect(tokenize('"ab"cd,"x""y"z\n').rows[0]!.fields).toEqual(['abcd', 'x"yz']);
    expect(unquote('"a""b"c')).toBe('a"bc');
  });

  it('reports an unclosed quote with the line and column where it opened', () => {
    const { error } = tokenize('a,b\n1,"never closed\n2,3\n');
    expect(error).toMatchObject({ line: 2, col: 3 });
  });

  it('reads tab-separated text', () => {
    expect(tokenize('site_id\titem_code\nS01\tC01-01\n', '\t').rows[1]!.fields).toEqual(['S01', 'C01-01']);
  });

  it('refuses a field longer than the limit, or too many fields, instead of holding them', () => {
    const limits = { maxFieldBytes: 10, maxFields: 5 };
    const field = new CsvTokenizer(',', () => {}, utf8, limits);
    expect(() => field.push(Buffer.from('a,b\n1,01234567890123\n'))).toThrow(CsvLimitError);
    const quoted = new CsvTokenizer(',', () => {}, utf8, limits);
    expect(() => quoted.push(Buffer.from('a,b\n1,"0123456789012345678901234'))).toThrow(CsvLimitError);
    const fields = new CsvTokenizer(',', () => {}, utf8, limits);
    expect(() => fields.push(Buffer.from('a,b,c,d,e,f,g\n'))).toThrow(CsvLimitError);
  });

  it('splits multi-byte characters across chunks without harm', () => {
    const { rows } = tokenize('点位,问题\n人民路,"小广告\n两处"\n', ',', [1, 2, 3, 5, 7]);
    expect(rows.map((r) => r.fields)).toEqual([['点位', '问题'], ['人民路', '小广告\n两处']]);
  });

  it('agrees with csv-parse on any well-formed CSV, however the text is chunked', () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '点', '位', ',', '"', '\n', '\r\n', '1') }),
      fc.constantFrom('', 'S01', 'C01-01', '人民路'),
    );
    const quote = (value: string) => (/[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value);
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(7), { maxLength: 6 }),
        (records, newline, chunks) => {
          const text = records.map((r) => r.map(quote).join(',')).join(newline) + newline;
          const expected = parse(text, { relax_column_count: true }) as string[][];
          const { rows, error } = tokenize(text, ',', chunks);
          expect(error).toBeUndefined();
          expect(rows.map((r) => r.fields)).toEqual(expected);
          // Line numbers: each row starts after the line breaks of the rows before it.
          let line = 1;
          records.forEach((record, index) => {
            expect(rows[index]!.line).toBe(line);
            line += record.join(',').split(/\r\n|\n|\r/).length - 1 + 1;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
