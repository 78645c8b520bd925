// Commendation campaigns (表彰) the viewer may see: every campaign out of draft, and the drafts of
// the viewer's own jurisdiction. Officials who may organize one get the link to create it.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listCampaigns, organizerOptions } from '#app/models/commendation.server.ts'
import { getRequestContext } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'

export const meta: MetaFunction = () => [{ title: '表彰 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const rows = await listCampaigns(db, actor)
	return {
		canCreate: actor ? organizerOptions(actor).length > 0 : false,
		rows: rows.map((r) => ({
			id: r.id,
			title: r.title,
			year: r.year,
			level: r.level,
			regionName: r.regionName,
			organizerName: r.organizerName,
			status: r.status,
			nominationEndsOn: formatChinaDate(r.nominationEndsAt - 1),
			notice: r.noticeStartsAt !== null && r.noticeEndsAt !== null ? { from: formatChinaDate(r.noticeStartsAt), to: formatChinaDate(r.noticeEndsAt - 1) } : null,
			manages: r.manages,
		})),
	}
}

export default function CampaignsPage() {
	const { t } = useTranslation()
	const { canCreate, rows } = useLoaderData<typeof loader>()
	return (
		<>
			<div className="row" style={{ alignItems: 'baseline', justifyContent: 'space-between' }}>
				<h1 style={{ flex: '1 1 auto' }}>{t('commendation.list_title')}</h1>
				{canCreate ? (
					<p style={{ flex: '0 0 auto', margin: 0 }}>
						<Link to="/commendations/new" className="button">
							{t('commendation.actions.new')}
						</Link>
					</p>
				) : null}
			</div>
			<p className="muted">{t('commendation.list_intro')}</p>
			<p>
				<Link to="/honors">{t('commendation.honors.title')}</Link> · <Link to="/leaderboard">{t('commendation.leaderboard.title')}</Link>
			</p>
			{rows.length ? (
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('commendation.fields.title')}</th>
								<th scope="col">{t('commendation.fields.level')}</th>
								<th scope="col">{t('commendation.fields.organizer')}</th>
								<th scope="col">{t('commendation.fields.status')}</th>
								<th scope="col">{t('commendation.fields.dates')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.id}>
									<td>
										<Link to={`/commendations/${r.id}`}>{r.title}</Link> <span className="muted">({r.year})</span>
									</td>
									<td>
										{t(`commendation.level.${r.level}`)}
										{r.regionName ? ` · ${r.regionName}` : ''}
									</td>
									<td>{r.organizerName || t('commendation.national_organizer')}</td>
									<td>
										<span className={`tag ${r.status === 'decided' ? 'verified' : r.status === 'cancelled' ? 'rejected' : 'pending'}`}>{t(`commendation.status.${r.status}`)}</span>
									</td>
									<td>
										{r.status === 'nominating' || r.status === 'draft' ? t('commendation.nomination_until', { date: r.nominationEndsOn }) : null}
										{r.notice && r.status === 'notice' ? t('commendation.notice_window', { from: r.notice.from, to: r.notice.to }) : null}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p className="card">{t('commendation.empty')}</p>
			)}
		</>
	)
}
