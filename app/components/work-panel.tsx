import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatChinaDate } from '#app/utils/china-date.ts'

type Panel = {
	villages: Array<{
		orgId: string
		orgName: string
		waiting: Array<{ id: string; title: string; status: string; neededBy: number }>
		recent: Array<{ id: string; title: string; status: string; neededBy: number; category: string }>
		total: number
		submitted: number
		published: number
	}>
	providers: Array<{
		orgId: string
		orgName: string
		kind: string
		offers: Array<{ id: string; title: string; status: string }>
		offerCount: number
		projects: Array<{ id: string; title: string; status: string }>
		projectCount: number
	}>
	needReviewCount: number
}

/** The home page's "my work": what a village, a provider or an official does next. */
export function WorkPanel({ panel }: { panel: Panel }) {
	const { t } = useTranslation()
	return (
		<>
			{panel.needReviewCount ? (
				<section className="card" aria-labelledby="work-review">
					<h2 id="work-review" style={{ marginTop: 0 }}>{t('work.review_title')}</h2>
					<p>
						<strong className="stat">{panel.needReviewCount}</strong> {t('work.needs_waiting_review', { count: panel.needReviewCount })}{' '}
						<Link className="button" to="/review/needs">
							{t('work.go_review_needs')}
						</Link>
					</p>
				</section>
			) : null}
			{panel.villages.map((v) => (
				<section className="card" key={v.orgId} aria-labelledby={`work-v-${v.orgId}`}>
					<h2 id={`work-v-${v.orgId}`} style={{ marginTop: 0 }}>
						{t('work.village_title', { name: v.orgName })}
					</h2>
					<p>
						<Link className="button" to="/needs/new">
							{t('work.post_need')}
						</Link>
					</p>
					<p className="muted">{t('work.village_counts', { total: v.total, submitted: v.submitted, published: v.published })}</p>
					<h3>{t('work.waits_on_you')}</h3>
					{v.waiting.length ? (
						<ul className="plain">
							{v.waiting.map((n) => (
								<li key={n.id}>
									<Link to={`/needs/${n.id}`}>{n.title}</Link> <span className="tag pending">{t(`vocab.need_status.${n.status}`)}</span>{' '}
									<span className="muted">{t(`work.next_step.${n.status}`)}</span>
								</li>
							))}
						</ul>
					) : (
						<p className="muted">{t('work.nothing_waiting')}</p>
					)}
					<h3>{t('work.my_needs')}</h3>
					{v.recent.length ? (
						<ul className="plain">
							{v.recent.map((n) => (
								<li key={n.id}>
									<Link to={`/needs/${n.id}`}>{n.title}</Link> · {t(`vocab.category.${n.category}`)} ·{' '}
									<span className="tag">{t(`vocab.need_status.${n.status}`)}</span>{' '}
									<span className="muted">
										{t('work.needed_by')} {formatChinaDate(n.neededBy)}
									</span>
								</li>
							))}
						</ul>
					) : (
						<p className="muted">{t('work.no_needs')}</p>
					)}
				</section>
			))}
			{panel.providers.map((p) => (
				<section className="card" key={p.orgId} aria-labelledby={`work-p-${p.orgId}`}>
					<h2 id={`work-p-${p.orgId}`} style={{ marginTop: 0 }}>
						{t('work.provider_title', { name: p.orgName })}
					</h2>
					<p className="row" style={{ alignItems: 'center' }}>
						<Link className="button" to="/offers/new" style={{ flex: '0 0 auto' }}>
							{t('work.post_offer')}
						</Link>
						{p.kind === 'enterprise' ? (
							<Link className="button secondary" to="/projects/new" style={{ flex: '0 0 auto' }}>
								{t('work.post_project')}
							</Link>
						) : null}
						<Link className="button secondary" to="/needs?mine=1" style={{ flex: '0 0 auto' }}>
							{t('work.find_needs')}
						</Link>
					</p>
					<h3>{t('work.my_offers', { count: p.offerCount })}</h3>
					{p.offers.length ? (
						<ul className="plain">
							{p.offers.map((o) => (
								<li key={o.id}>
									<Link to={`/offers/${o.id}`}>{o.title}</Link> <span className="tag">{t(`vocab.offer_status.${o.status}`)}</span>
								</li>
							))}
						</ul>
					) : (
						<p className="muted">{t('work.no_offers')}</p>
					)}
					{p.kind === 'enterprise' ? (
						<>
							<h3>{t('work.my_projects', { count: p.projectCount })}</h3>
							{p.projects.length ? (
								<ul className="plain">
									{p.projects.map((x) => (
										<li key={x.id}>
											<Link to={`/projects/${x.id}`}>{x.title}</Link> <span className="tag">{t(`vocab.project_status.${x.status}`)}</span>
										</li>
									))}
								</ul>
							) : (
								<p className="muted">{t('work.no_projects')}</p>
							)}
						</>
					) : null}
				</section>
			))}
		</>
	)
}
