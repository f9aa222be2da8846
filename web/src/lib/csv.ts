/**
 * A small RFC 4180 CSV reader for previews: quoted fields (with `""` for a quote, and commas and
 * line breaks inside), CRLF, LF or CR line ends, a leading byte-order mark. Lenient where the RFC
 * is strict, like the server's reader: a stray quote inside an unquoted field is kept as text, and
 * blank lines are skipped (they are not rows).
 */

export interface CsvRecord {
  fields: string[]
  /** The file line the record starts on, from 1 (a quoted line break makes a record span lines). */
  line: number
}

export interface CsvResult {
  records: CsvRecord[]
  /** The whole text was read (false when it stopped at `maxRecords`). */
  complete: boolean
  /** The line where a quoted field opened that is still open at the end of the text, if any. */
  unterminatedAt: number | null
}

const QUOTE = '"'

/** Read up to `maxRecords` records (all by default). */
export function parseCsv(text: string, maxRecords = Infinity): CsvResult {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  /** Inside a quoted field. */
  let quoted = false
  /** The current field started with a quote (so a later quote is not a new opening one). */
  let fieldQuoted = false
  /** The current record has a quoted field: `""` alone on a line is a record, a blank line is not. */
  let recordQuoted = false
  let openedAt = 0
  let i = 0

  const endField = () => {
    fields.push(field)
    field = ''
    fieldQuoted = false
  }
  const endRecord = () => {
    endField()
    const blank = fields.length === 1 && fields[0] === '' && !recordQuoted
    if (!blank) records.push({ fields, line: recordLine })
    fields = []
    recordQuoted = false
  }

  while (i < src.length && records.length < maxRecords) {
    const ch = src[i]!
    if (quoted) {
      if (ch === QUOTE) {
        if (src[i + 1] === QUOTE) {
          field += QUOTE
          i += 2
        } else {
          quoted = false
          i++
        }
        continue
      }
      // a line break inside quotes is part of the value, but still a new line of the file
      if (ch === '\n' || (ch === '\r' && src[i + 1] !== '\n')) line++
      field += ch
      i++
      continue
    }
    if (ch === QUOTE && field === '' && !fieldQuoted) {
      quoted = fieldQuoted = recordQuoted = true
      openedAt = line
      i++
    } else if (ch === ',') {
      endField()
      i++
    } else if (ch === '\r' || ch === '\n') {
      endRecord()
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1
      recordLine = ++line
    } else {
      field += ch
      i++
    }
  }

  const complete = i >= src.length
  // a last record without a line end
  if (complete && records.length < maxRecords && (field !== '' || fields.length > 0 || recordQuoted)) endRecord()
  return { records, complete, unterminatedAt: complete && quoted ? openedAt : null }
}
