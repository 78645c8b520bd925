// Calendar dates as China sees them. Dates ("needed by", validity windows) are stored as epoch ms
// of that date's midnight in China Standard Time (UTC+8, no daylight saving).
export const DAY_MS = 86_400_000
const CHINA_OFFSET_MS = 8 * 3_600_000

/** `YYYY-MM-DD` → epoch ms of that day's midnight in China; undefined if not a real date in 1990–2100. */
export function parseChinaDate(value: string): number | undefined {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
	if (!m) return undefined
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
	if (y < 1990 || y > 2100) return undefined
	const utc = Date.UTC(y, mo - 1, d)
	const check = new Date(utc)
	if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined
	return utc - CHINA_OFFSET_MS
}

/** Epoch ms → the `YYYY-MM-DD` date it falls on in China (for date inputs and display). */
export function formatChinaDate(ms: number): string {
	return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10)
}

/** Epoch ms of the China midnight that starts the day `now` falls on. */
export function chinaDayStart(now: number): number {
	return Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS
}

/** The China calendar year `ms` falls in. */
export function chinaYearOf(ms: number): number {
	return new Date(ms + CHINA_OFFSET_MS).getUTCFullYear()
}

/** [start, end) epoch ms of a China calendar year, or of one quarter (1–4) of it. */
export function chinaPeriod(year: number, quarter?: 1 | 2 | 3 | 4): { start: number; end: number } {
	const fromMonth = quarter ? (quarter - 1) * 3 : 0
	const toMonth = quarter ? fromMonth + 3 : 12
	return { start: Date.UTC(year, fromMonth, 1) - CHINA_OFFSET_MS, end: Date.UTC(year, toMonth, 1) - CHINA_OFFSET_MS }
}

/** [start, end) epoch ms of a China calendar month (1–12). */
export function chinaMonthPeriod(year: number, month: number): { start: number; end: number } {
	// Date.UTC rolls month 12 into January of the next year.
	return { start: Date.UTC(year, month - 1, 1) - CHINA_OFFSET_MS, end: Date.UTC(year, month, 1) - CHINA_OFFSET_MS }
}

/** The China calendar date `ms` falls on, as numbers (month 1–12). */
export function chinaDateParts(ms: number): { year: number; month: number; day: number } {
	const d = new Date(ms + CHINA_OFFSET_MS)
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}
