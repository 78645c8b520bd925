// Small pieces the commitment pages, the need page and the offer page share: the status tag (with
// the derived overdue tag), suggestion reasons in words, and a progress bar with its figures.
import { useTranslation } from 'react-i18next'
import type { CommitmentStatus } from '#db/schema.ts'

const TAG_CLASS: Record<CommitmentStatus, string> = {
	pledged: 'pending',
	accepted: 'pending',
	in_delivery: 'pending',
	delivered: 'pending',
	verified: 'verified',
	closed: 'verified',
	declined: 'rejected',
	withdrawn: 'rejected',
	disputed: 'rejected',
	lapsed: 'rejected',
}

export function CommitmentStatusTags({ status, overdue }: { status: CommitmentStatus; overdue?: boolean }) {
	const { t } = useTranslation()
	return (
		<>
			<span className={`tag ${TAG_CLASS[status]}`}>{t(`commitment.status.${status}`)}</span>
			{overdue ? (
				<>
					{' '}
					<span className="tag rejected" style={{ background: '#ffebe9', fontWeight: 600 }}>
						{t('commitment.status.overdue')}
					</span>
				</>
			) : null}
		</>
	)
}

/** Why a suggestion was made, in the reader's language (reason codes are i18n keys). */
export function SuggestionReasons({ reasons }: { reasons: ReadonlyArray<{ code: string; params: Record<string, string | number> }> }) {
	const { t } = useTranslation()
	if (!reasons.length) return null
	return (
		<ul style={{ margin: '4px 0 0', paddingLeft: '1.2em' }}>
			{reasons.map((r) => (
				<li key={r.code}>{t(r.code, r.params)}</li>
			))}
		</ul>
	)
}

/** One figure against a target, with a bar; the text carries the meaning, the bar is decoration. */
export function ProgressRow({ label, value, target, text }: { label: string; value: number; target: number; text: string }) {
	const percent = target > 0 ? Math.min(Math.round((value / target) * 100), 100) : 0
	return (
		<div style={{ marginBottom: 10 }}>
			<div style={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'space-between', gap: '0 8px' }}>
				<span style={{ fontWeight: 600 }}>{label}</span>
				<span style={{ overflowWrap: 'anywhere' }}>
					{text} <span className="muted">({percent}%)</span>
				</span>
			</div>
			<div aria-hidden="true" style={{ height: 10, background: 'var(--bg)', border: '1px solid var(--line)', borderRadius: 5, overflow: 'hidden' }}>
				<div style={{ width: `${percent}%`, height: '100%', background: 'var(--ok)' }} />
			</div>
		</div>
	)
}
