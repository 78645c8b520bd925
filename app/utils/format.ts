// Numbers, money and moments as pages show them. Pure: the same on the server and in the browser.
import type { TFunction } from 'i18next'

// NOTE: Intl formatters are made once per locale and reused: toLocaleString with a locale builds a
// new one on every call (tens of microseconds each), which was 6 % of a browse page's server time.
const numberFormats = new Map<string, Intl.NumberFormat>()
const timeFormats = new Map<string, Intl.DateTimeFormat>()

/** A number with the locale's separators and exactly `digits` decimals when given (at most 3 otherwise). */
export function formatNumber(value: number, language: string, digits?: number): string {
	const key = `${language}|${digits ?? ''}`
	let format = numberFormats.get(key)
	if (!format) {
		format = new Intl.NumberFormat(language, digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits })
		numberFormats.set(key, format)
	}
	return format.format(value)
}

/** ¥ with thousands separators, and fen only when there are any: 12345650 → ¥123,456.50, 100 → ¥1. */
export function formatYuan(fen: number, language: string): string {
	return `¥${formatNumber(fen / 100, language === 'en' ? 'en-US' : 'zh-CN', fen % 100 === 0 ? 0 : 2)}`
}

/** An amount (fen) as money, or a quantity with its unit. */
export function formatMeasure(measure: string, value: number, unit: string | null, language: string): string {
	if (measure === 'amount') return formatYuan(value, language)
	return `${formatNumber(value, language === 'en' ? 'en-US' : 'zh-CN')}${unit ? ` ${unit}` : ''}`
}

/** ¥ for amounts (stored in fen), number and unit for quantities. */
export function formatTarget(t: TFunction, language: string, measure: string, target: number, unit: string | null) {
	if (measure === 'amount') {
		// Whole yuan without decimals; otherwise always two (¥120,000.50, not ¥120,000.5).
		return t('need.detail.target_amount', { amount: formatNumber(target / 100, language, target % 100 === 0 ? 0 : 2) })
	}
	return t('need.detail.target_quantity', { quantity: formatNumber(target, language), unit: unit ?? '' })
}

/** A moment as China sees it, the same on the server and in the browser. */
export function formatTime(ms: number, language: string) {
	let format = timeFormats.get(language)
	if (!format) {
		format = new Intl.DateTimeFormat(language, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
		timeFormats.set(language, format)
	}
	return format.format(new Date(ms))
}
