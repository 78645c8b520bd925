// The actor's commitments across their orgs: as a provider (what we pledged) and as a village (what
// was pledged to us), with a status filter; overdue ones stand out. A GET form, so it works
// without JavaScript and the filter stays in the URL.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { CommitmentStatus } from '#db/schema.ts'
import { CommitmentStatusTags } from '#app/components/commitment.tsx'
import { tapStyle } from '#app/components/need-form.tsx'
import { COMMITMENT_STATUSES } from '#app/models/commitment.schema.ts'
import { OVERDUE_STATUSES, listCommitmentsForOrg } from '#app/models/commitment.server.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { formatMeasure } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: '帮扶承诺 · 帮扶 Bangfu' }]

/** 'open' is everything still under way; 'overdue' is derived from the due date. */
const FILTERS = ['open', 'overdue', ...COMMITMENT_STATUSES] as const
type Filter = (typeof FILTERS)[number] | ''
const OPEN_STATUSES: readonly CommitmentStatus[] = ['pledged', 'accepted', 'in_delivery', 'delivered', 'disputed', 'verified']
const SIDES = ['provider', 'village'] as const
type Side = (typeof SIDES)[number]

function statusesFor(filter: Filter): readonly CommitmentStatus[] | undefined {
	if (filter === '') return undefined
	if (filter === 'open') return OPEN_STATUSES
	if (filter === 'overdue') return OVERDUE_STATUSES
	return [filter]
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const raw = url.searchParams.get('status') ?? ''
	const filter: Filter = (FILTERS as readonly string[]).includes(raw) ? (raw as Filter) : ''
	const verified = actor.memberships.filter((m) => m.status === 'verified')
	const orgsBySide: Record<Side, typeof verified> = {
		provider: verified.filter((m) => (PROVIDER_KINDS as readonly string[]).includes(m.kind)),
		village: verified.filter((m) => m.kind === 'village'),
	}
	const statuses = statusesFor(filter)
	const sections = await Promise.all(
		SIDES.filter((side) => orgsBySide[side].length).map(async (side) => {
			const lists = await Promise.all(orgsBySide[side].map((m) => listCommitmentsForOrg(db, m.orgId, actor, { side, statuses })))
			const seen = new Set<string>()
			const items = lists
				.flat()
				.filter((c) => (filter === 'overdue' ? c.overdue : true))
				.filter((c) => !seen.has(c.id) && !!seen.add(c.id))
				// Overdue first, then the most recently changed.
				.sort((a, b) => Number(b.overdue) - Number(a.overdue) || Number(b.updatedAt) - Number(a.updatedAt))
				.map((c) => ({
					id: c.id,
					needId: c.needId,
					needTitle: c.needTitle,
					counterpart: side === 'provider' ? c.villageOrgName : c.providerName,
					ownOrg: side === 'provider' ? c.providerName : c.villageOrgName,
					measure: c.measure,
					unit: c.unit,
					amount: c.amount,
					deliveredAmount: c.deliveredAmount,
					status: c.status,
					overdue: c.overdue,
					dueAt: c.dueAt,
				}))
			return { side, orgCount: orgsBySide[side].length, items }
		}),
	)
	return { filter, sections, hasOrgs: verified.some((m) => m.kind === 'village' || (PROVIDER_KINDS as readonly string[]).includes(m.kind)) }
}

export default function CommitmentsPage() {
	const { t } = useTranslation()
	const { filter, sections, hasOrgs } = useLoaderData<typeof loader>()
	return (
		<>
			<h1>{t('commitment.list_title')}</h1>
			<p className="muted">{t('commitment.index.intro')}</p>
			{hasOrgs ? (
				<Form method="get" className="card" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'flex-end' }}>
					<div className="field" style={{ marginBottom: 0, flex: '1 1 200px' }}>
						<label htmlFor="f-status">{t('commitment.index.status_filter')}</label>
						<select id="f-status" name="status" defaultValue={filter} style={tapStyle}>
							<option value="">{t('commitment.index.all')}</option>
							<option value="open">{t('commitment.index.open')}</option>
							<option value="overdue">{t('commitment.status.overdue')}</option>
							{COMMITMENT_STATUSES.map((s) => (
								<option key={s} value={s}>
									{t(`commitment.status.${s}`)}
								</option>
							))}
						</select>
					</div>
					<button type="submit" style={tapStyle}>
						{t('commitment.index.apply')}
					</button>
					<a href={`/commitments/export?${new URLSearchParams({ ...(filter ? { status: filter } : {}), format: 'xlsx' })}`} download style={{ lineHeight: '44px' }}>
						{t('export.xlsx')}
					</a>
					<a href={`/commitments/export?${new URLSearchParams({ ...(filter ? { status: filter } : {}), format: 'csv' })}`} download style={{ lineHeight: '44px' }}>
						{t('export.csv')}
					</a>
				</Form>
			) : (
				<section className="card">
					<p style={{ marginTop: 0 }}>{t('commitment.index.no_orgs')}</p>
					<p style={{ marginBottom: 0 }}>
						<Link to="/needs">{t('commitment.index.browse_needs')}</Link>
					</p>
				</section>
			)}
			{sections.length > 1 ? (
				<nav aria-label={t('commitment.index.sides')} style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginBottom: 12 }}>
					{sections.map((s) => (
						<a key={s.side} href={`#side-${s.side}`} className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
							{t(`commitment.side_${s.side}`)} ({s.items.length})
						</a>
					))}
				</nav>
			) : null}
			{sections.map((s) => (
				<Section key={s.side} section={s} filtered={filter !== ''} />
			))}
		</>
	)
}

type SectionData = ReturnType<typeof useLoaderData<typeof loader>>['sections'][number]

function Section({ section, filtered }: { section: SectionData; filtered: boolean }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	return (
		<section className="card" id={`side-${section.side}`} aria-labelledby={`h-${section.side}`}>
			<h2 id={`h-${section.side}`} style={{ marginTop: 0 }}>
				{t(`commitment.side_${section.side}`)}
			</h2>
			{section.items.length ? (
				<ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
					{section.items.map((c) => (
						<li
							key={c.id}
							style={{
								padding: '10px 12px',
								margin: '0 -12px',
								borderTop: '1px solid var(--line)',
								borderLeft: c.overdue ? '4px solid var(--red)' : '4px solid transparent',
								background: c.overdue ? '#fff5f5' : undefined,
							}}
						>
							<Link to={`/commitments/${c.id}`} style={{ fontWeight: 600, display: 'inline-block', padding: '6px 0', overflowWrap: 'anywhere' }}>
								{c.needTitle}
							</Link>{' '}
							<CommitmentStatusTags status={c.status} overdue={c.overdue} />
							<div style={{ overflowWrap: 'anywhere' }}>
								{t(section.side === 'provider' ? 'commitment.index.to_village' : 'commitment.index.from_provider', { name: c.counterpart })}
								{section.orgCount > 1 ? <span className="muted"> · {c.ownOrg}</span> : null}
							</div>
							<div className="muted">
								{t('commitment.detail.amount')} {formatMeasure(c.measure, c.amount, c.unit, lang)}
								{c.deliveredAmount !== null ? ` · ${t('commitment.detail.delivered_amount')} ${formatMeasure(c.measure, c.deliveredAmount, c.unit, lang)}` : null}
								{' · '}
								{t('commitment.detail.due_at')} <time dateTime={formatChinaDate(c.dueAt)}>{formatChinaDate(c.dueAt)}</time>
							</div>
						</li>
					))}
				</ul>
			) : (
				<p className="muted" style={{ marginBottom: 0 }}>
					{filtered ? t('commitment.index.none_filtered') : section.side === 'provider' ? t('commitment.index.none_provider') : t('commitment.index.none_village')}
				</p>
			)}
			{section.side === 'provider' ? (
				<p style={{ marginBottom: 0 }}>
					<Link to="/needs">{t('commitment.index.browse_needs')}</Link>
				</p>
			) : null}
		</section>
	)
}
