// Numbers, money and moments as pages show them. Pure: the same on the server and in the browser.
import type { TFunction } from 'i18next'

/** ¥ with thousands separators, and fen only when there are any: 12345650 → ¥123,456.50, 100 → ¥1. */
export function formatYuan(fen: number, language: string): string {
	const digits = fen % 100 === 0 ? 0 : 2
	return `¥${new Intl.NumberFormat(language === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fen / 100)}`
}

/** An amount (fen) as money, or a quantity with its unit. */
export function formatMeasure(measure: string, value: number, unit: string | null, language: string): string {
	if (measure === 'amount') return formatYuan(value, language)
	return `${value.toLocaleString(language === 'en' ? 'en-US' : 'zh-CN')}${unit ? ` ${unit}` : ''}`
}

/** ¥ for amounts (stored in fen), number and unit for quantities. */
export function formatTarget(t: TFunction, language: string, measure: string, target: number, unit: string | null) {
	if (measure === 'amount') {
		// Whole yuan without decimals; otherwise always two (¥120,000.50, not ¥120,000.5).
		const digits = target % 100 === 0 ? 0 : 2
		return t('need.detail.target_amount', { amount: (target / 100).toLocaleString(language, { minimumFractionDigits: digits, maximumFractionDigits: digits }) })
	}
	return t('need.detail.target_quantity', { quantity: target.toLocaleString(language), unit: unit ?? '' })
}

/** A moment as China sees it, the same on the server and in the browser. */
export function formatTime(ms: number, language: string) {
	return new Date(ms).toLocaleString(language, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
}
