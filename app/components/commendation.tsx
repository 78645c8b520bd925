// Small pieces shared by the commendation pages: status tags, the eligibility figures of a
// nomination, the errors of one form among several on a page, and the honor-roll filters.
import type { SubmissionResult } from '@conform-to/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { formatYuan } from '#app/utils/format.ts'
import { chinaDateParts } from '#app/utils/china-date.ts'

export function CampaignStatusTag({ status }: { status: string }) {
	const { t } = useTranslation()
	const tone = status === 'decided' ? 'verified' : status === 'cancelled' ? 'rejected' : 'pending'
	return <span className={`tag ${tone}`}>{t(`commendation.status.${status}`)}</span>
}

export function NominationStatusTag({ status }: { status: string }) {
	const { t } = useTranslation()
	const tone = status === 'awarded' ? 'verified' : status === 'rejected' || status === 'withdrawn' ? 'rejected' : 'pending'
	return <span className={`tag ${tone}`}>{t(`commendation.nomination_status.${status}`)}</span>
}

export type EligibilityView = {
	eligible: boolean
	failed: string[]
	amountFen: number
	minAmountFen: number
	count: number
	minCount: number
	openAccountability: number
	disputed: number
	checkedAt: number
}

/** The figures of an eligibility check, each rule marked met or not. */
export function EligibilityFigures({ e, caption }: { e: EligibilityView; caption: string }) {
	const { t, i18n } = useTranslation()
	const mark = (rule: string) => (e.failed.includes(rule) ? t('commendation.eligibility.not_met') : t('commendation.eligibility.met'))
	return (
		<div className="muted" style={{ fontSize: '.95rem' }}>
			<strong>{caption}</strong>{' '}
			<span className={`tag ${e.eligible ? 'verified' : 'rejected'}`}>{e.eligible ? t('commendation.eligibility.eligible') : t('commendation.eligibility.ineligible')}</span>
			<ul style={{ margin: '4px 0 0', paddingLeft: '1.2em' }}>
				<li>
					{t('commendation.eligibility.amount', { amount: formatYuan(e.amountFen, i18n.language), threshold: formatYuan(e.minAmountFen, i18n.language) })} · {mark('amount')}
				</li>
				<li>
					{t('commendation.eligibility.count', { count: e.count, threshold: e.minCount })} · {mark('count')}
				</li>
				<li>
					{t('commendation.eligibility.accountability', { count: e.openAccountability })} · {mark('accountability')}
				</li>
				<li>
					{t('commendation.eligibility.disputed', { count: e.disputed })} · {mark('disputed')}
				</li>
			</ul>
		</div>
	)
}

/** The form-level and field errors of one form's last submission (or nothing for another form's). */
export function formErrorsOf(result: SubmissionResult<string[]> | null | undefined) {
	const error = result?.error ?? {}
	return {
		form: error[''] ?? [],
		field: (name: string) => error[name] ?? [],
	}
}

export function FormErrors({ errors }: { errors: string[] }) {
	if (!errors.length) return null
	return (
		<div className="form-errors">
			<ErrorList errors={errors} />
		</div>
	)
}

const CN_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九']

function cnNumber(n: number): string {
	if (n < 10) return CN_DIGITS[n]
	const tens = Math.floor(n / 10)
	const ones = n % 10
	return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`
}

/** A date as Chinese certificates write it, in China time: 二〇二六年十一月二十四日. */
export function chineseDate(ms: number): string {
	const d = chinaDateParts(ms)
	const year = String(d.year)
		.split('')
		.map((c) => CN_DIGITS[Number(c)])
		.join('')
	return `${year}年${cnNumber(d.month)}月${cnNumber(d.day)}日`
}
