import { describe, expect, it } from 'vitest'
import { decodePk, encodePk, pkKey } from '../pk'

describe('pkKey / encodePk', () => {
  it('uses the plain value for a single-column key', () => {
    expect(pkKey({ id: 12, name: 'x' }, ['id'])).toBe('12')
    expect(encodePk({ id: 12 }, ['id'])).toBe('12')
    expect(encodePk({ code: 'a/b c' }, ['code'])).toBe('a%2Fb%20c')
  })

  it('does not escape a single-column key', () => {
    expect(pkKey({ code: 'a,b~c' }, ['code'])).toBe('a,b~c')
    expect(encodePk({ code: 'a,b~c' }, ['code'])).toBe('a%2Cb~c')
  })

  it('joins composite keys in primary key order', () => {
    const row = { product_id: 7, order_id: 3, quantity: 2 }
    expect(pkKey(row, ['order_id', 'product_id'])).toBe('3,7')
    expect(encodePk(row, ['order_id', 'product_id'])).toBe('3%2C7')
  })

  it('escapes ~ and , in composite components', () => {
    const row = { a: 'x,y', b: 'p~q', c: '~2C' }
    expect(pkKey(row, ['a', 'b', 'c'])).toBe('x~2Cy,p~7Eq,~7E2C')
    expect(encodePk(row, ['a', 'b', 'c'])).toBe(encodeURIComponent('x~2Cy,p~7Eq,~7E2C'))
  })

  it('handles booleans, strings with spaces and unicode', () => {
    expect(pkKey({ a: true, b: 'ä ö' }, ['a', 'b'])).toBe('true,ä ö')
  })

  it('returns null without a complete key', () => {
    expect(pkKey({ id: 1 }, [])).toBeNull()
    expect(pkKey({ id: null }, ['id'])).toBeNull()
    expect(pkKey({ a: 1 }, ['a', 'b'])).toBeNull()
  })

  it('decodePk inverts composite keys', () => {
    const row = { a: 'x,y', b: 'p~q', c: '~2C' }
    expect(decodePk(pkKey(row, ['a', 'b', 'c'])!, 3)).toEqual(['x,y', 'p~q', '~2C'])
    expect(decodePk('a,b', 1)).toEqual(['a,b'])
  })
})
