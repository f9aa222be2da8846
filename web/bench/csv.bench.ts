// The import preview's CSV reader (`src/lib/csv.ts`) against papaparse, the library the review
// suggested: the preview (the first 21 records of the 1 MiB head the dialog reads) and whole
// files. papaparse is given the delimiter; line ends it detects, as it would have to for files
// that end lines with CRLF, LF or CR alike (the server takes all three), or is told them.
// Run with `scripts/bench-web.sh`; the figures and the decision are in docs/performance.md.
import Papa from 'papaparse'
import { bench, describe } from 'vitest'
import { parseCsv } from '../src/lib/csv'
import { CSV_PREVIEW_BYTES } from '../src/lib/importFile'

function csv(rows: number): string {
  const lines = ['id,customer,status,total,placed_at,note,tags,active']
  for (let i = 1; i <= rows; i++) {
    const note = i % 7 === 0 ? `"said ""hi"", then left\nline two"` : `plain note ${i}`
    lines.push(`${i},Customer ${i % 2000},${['new', 'paid', 'shipped'][i % 3]},${(i * 1.37).toFixed(2)},2024-01-01T00:00:00Z,${note},"a,b",${i % 2 === 0}`)
  }
  return lines.join('\r\n') + '\r\n'
}

const large = csv(100_000) // about 8 MB
const head = large.slice(0, CSV_PREVIEW_BYTES)
const tenThousand = csv(10_000)
const papa = (text: string, preview = 0, newline?: '\r\n') =>
  Papa.parse<string[]>(text, { preview, skipEmptyLines: true, delimiter: ',', newline })

describe('preview: the first 21 records of a 1 MiB head', () => {
  bench('rubbie parseCsv', () => void parseCsv(head, 21))
  bench('papaparse, line ends detected', () => void papa(head, 21))
  bench('papaparse, line ends given', () => void papa(head, 21, '\r\n'))
})

describe('whole file: 10,000 rows', () => {
  bench('rubbie parseCsv', () => void parseCsv(tenThousand))
  bench('papaparse, line ends detected', () => void papa(tenThousand))
})

describe('whole file: 100,000 rows (8 MB)', () => {
  bench('rubbie parseCsv', () => void parseCsv(large), { iterations: 5 })
  bench('papaparse, line ends detected', () => void papa(large), { iterations: 5 })
})
