import { describe, expect, it } from 'vitest'
import { statementAt, statements } from '../sqlStatements'

const texts = (sql: string, d: 'sqlite' | 'postgres' | 'mysql' = 'sqlite') => statements(sql, d).map((s) => s.text)

describe('statements', () => {
  it('splits at semicolons outside strings, identifiers and comments', () => {
    expect(texts("SELECT 'a;b'; SELECT \"x;y\" FROM t;\n-- c;d\nSELECT 3 /* e; */")).toEqual([
      "SELECT 'a;b'",
      'SELECT "x;y" FROM t',
      '-- c;d\nSELECT 3 /* e; */',
    ])
    expect(texts("SELECT 'it''s;'; SELECT 2")).toEqual(["SELECT 'it''s;'", 'SELECT 2'])
  })

  it('follows each dialect', () => {
    expect(texts("SELECT $$a;b$$; SELECT $f$ ; $f$", 'postgres')).toEqual(['SELECT $$a;b$$', 'SELECT $f$ ; $f$'])
    expect(texts('SELECT /* a /* b; */ c; */ 1; SELECT 2', 'postgres')).toEqual(['SELECT /* a /* b; */ c; */ 1', 'SELECT 2'])
    expect(texts("SELECT 'a\\';b'; SELECT `x;y`; # z;\nSELECT 3", 'mysql')).toEqual([
      "SELECT 'a\\';b'",
      'SELECT `x;y`',
      '# z;\nSELECT 3',
    ])
    expect(texts('SELECT [a;b] FROM t; SELECT 2', 'sqlite')).toEqual(['SELECT [a;b] FROM t', 'SELECT 2'])
  })

  it('leaves out blank statements and survives unterminated input', () => {
    expect(texts(' ;; SELECT 1 ;  ')).toEqual(['SELECT 1'])
    expect(texts("SELECT 'open; string")).toEqual(["SELECT 'open; string"])
    expect(texts('')).toEqual([])
  })
})

describe('statementAt', () => {
  const sql = 'SELECT 1;\nSELECT 2;\n\n\nSELECT 3'
  it('finds the statement under or just before the cursor', () => {
    expect(statementAt(sql, 3, 'sqlite')?.text).toBe('SELECT 1')
    expect(statementAt(sql, 9, 'sqlite')?.text).toBe('SELECT 1') // right after the `;`
    expect(statementAt(sql, 12, 'sqlite')?.text).toBe('SELECT 2')
    expect(statementAt(sql, 21, 'sqlite')?.text).toBe('SELECT 3') // blank lines: the next one
    expect(statementAt(sql, sql.length, 'sqlite')?.text).toBe('SELECT 3')
    expect(statementAt('   ', 1, 'sqlite')).toBeNull()
  })
})
