// Pieces the 督查 pages share: the section links, pagination that keeps the filters, status tags,
// and the subject fields of the interview and accountability forms.
import type { FieldMetadata } from '@conform-to/react'
import { Link, NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type SupervisionList, isSupervisionList } from '#app/models/supervision.schema.ts'
import { Field, SelectField } from './form.tsx'

export type ListState = { list: SupervisionList; region: string; threshold: string; page: number }

/** The /supervision list state kept in the URL (GET params): works without JavaScript. */
export function listState(url: URL): ListState {
	const list = url.searchParams.get('list')
	return {
		list: isSupervisionList(list) ? list : 'overdue',
		region: (url.searchParams.get('region') ?? '').trim().slice(0, 20),
		threshold: (url.searchParams.get('threshold') ?? '').trim().slice(0, 8),
		page: Math.max(Math.floor(Number(url.searchParams.get('page'))) || 1, 1),
	}
}

export function listHref(state: ListState, extra: { page?: number; format?: string; path?: string } = {}) {
	const params = new URLSearchParams()
	params.set('list', state.list)
	if (state.region) params.set('region', state.region)
	if (state.list === 'lagging' && state.threshold) params.set('threshold', state.threshold)
	if (extra.format) params.set('format', extra.format)
	const page = extra.page ?? state.page
	if (!extra.format && page > 1) params.set('page', String(page))
	return `${extra.path ?? '/supervision'}?${params.toString()}`
}

export function SupervisionNav() {
	const { t } = useTranslation()
	const links = [
		{ to: '/supervision', label: t('supervision.nav.lists'), end: true },
		{ to: '/supervision/interviews', label: t('supervision.nav.interviews'), end: false },
		{ to: '/supervision/accountability', label: t('supervision.nav.accountability'), end: false },
	]
	return (
		<nav aria-label={t('supervision.nav.label')} className="crumbs">
			{links.map((l, i) => (
				<span key={l.to}>
					{i ? ' · ' : null}
					<NavLink to={l.to} end={l.end} style={({ isActive }) => (isActive ? { fontWeight: 700 } : undefined)}>
						{l.label}
					</NavLink>
				</span>
			))}
		</nav>
	)
}

/** Previous / next with "page x of y", each link built by `href` so the filters stay. */
export function Pager({ page, pages, total, href, label }: { page: number; pages: number; total: number; href: (page: number) => string; label: string }) {
	const { t } = useTranslation()
	if (pages <= 1) return null
	return (
		<nav aria-label={label} className="row" style={{ alignItems: 'center', marginTop: 12 }}>
			{page > 1 ? (
				<Link to={href(page - 1)} rel="prev" style={{ flex: '0 0 auto' }}>
					{t('common.previous')}
				</Link>
			) : null}
			<span className="muted" style={{ flex: '0 1 auto' }}>
				{t('common.page', { page, pages, total })}
			</span>
			{page < pages ? (
				<Link to={href(page + 1)} rel="next" style={{ flex: '0 0 auto' }}>
					{t('common.next')}
				</Link>
			) : null}
		</nav>
	)
}

const STATUS_CLASS: Record<string, string> = { open: 'pending', rectified: 'verified', unresolved: 'rejected', closed: 'verified' }

export function InterviewStatusTag({ status }: { status: string }) {
	const { t } = useTranslation()
	return <span className={`tag ${STATUS_CLASS[status] ?? ''}`}>{t(`supervision.interview_status.${status}`)}</span>
}

export function AccountabilityStatusTag({ status }: { status: string }) {
	const { t } = useTranslation()
	return <span className={`tag ${status === 'open' ? 'rejected' : 'verified'}`}>{t(`supervision.accountability_status.${status}`)}</span>
}

type Meta = FieldMetadata<string | number | undefined | null>

/** Subject type (region / org) and its id: a 12-digit region code or an org id. */
export function SubjectFields({ type, id }: { type: Meta; id: Meta }) {
	const { t } = useTranslation()
	return (
		<div className="row">
			<SelectField meta={type} label={t('supervision.form.subject_type')}>
				<option value="region">{t('supervision.subject_type.region')}</option>
				<option value="org">{t('supervision.subject_type.org')}</option>
			</SelectField>
			<Field meta={id} label={t('supervision.form.subject_id')} hint={t('supervision.form.subject_id_hint')} maxLength={26} autoComplete="off" />
		</div>
	)
}

// Below 640px a table becomes one card per row, each value led by its data-label.
// NOTE: no quotes, ampersands or angle brackets here: React escapes text inside <style>.
export const RESPONSIVE_TABLE = `
@media (max-width: 640px) {
	table.stack thead { display: none; }
	table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
	table.stack tr { border-bottom: 2px solid var(--line); padding: 8px 0; }
	table.stack td { border: 0; padding: 2px 0; }
	table.stack td[data-label]::before { content: attr(data-label); color: var(--muted); margin-right: 4px; }
}`
