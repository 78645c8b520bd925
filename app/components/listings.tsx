import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { Listings } from '#app/models/listings.server.ts'

const NONE: Listings = { needs: [], offers: [], projects: [] }

/**
 * An org's or a village's needs, offers and CSR projects, as linked lists with status tags. With
 * `browseRegion` and no `listings` (a region above a village), only the links to browse them.
 */
export function ListingsSection({ listings, browseRegion }: { listings?: Listings; browseRegion?: string }) {
	const { t } = useTranslation()
	const q = browseRegion ? `?region=${browseRegion}` : ''
	const linksOnly = !listings
	listings ??= NONE
	const blocks = [
		{ key: 'needs', items: listings.needs.map((n) => ({ id: n.id, title: n.title, tag: t(`vocab.need_status.${n.status}`), extra: t(`vocab.category.${n.category}`) })), href: '/needs' },
		{ key: 'offers', items: listings.offers.map((o) => ({ id: o.id, title: o.title, tag: t(`vocab.offer_status.${o.status}`), extra: '' })), href: '/offers' },
		{ key: 'projects', items: listings.projects.map((p) => ({ id: p.id, title: p.title, tag: t(`vocab.project_status.${p.status}`), extra: t(`vocab.project_type.${p.type}`) })), href: '/projects' },
	].filter((b) => b.items.length || browseRegion)
	if (!blocks.length) return null
	return (
		<section className="card" aria-labelledby="h-listings">
			<h2 id="h-listings" style={{ marginTop: 0 }}>
				{t('listings.title')}
			</h2>
			{blocks.map((b) => (
				<div key={b.key}>
					<h3>{t(`listings.${b.key}`)}</h3>
					{linksOnly ? null : b.items.length ? (
						<ul className="plain">
							{b.items.map((i) => (
								<li key={i.id}>
									<Link to={`${b.href}/${i.id}`}>{i.title}</Link> <span className="tag">{i.tag}</span>
									{i.extra ? <span className="muted"> · {i.extra}</span> : null}
								</li>
							))}
						</ul>
					) : (
						<p className="muted">{t('listings.none')}</p>
					)}
					{browseRegion ? (
						<p>
							<Link to={`${b.href}${q}`}>{t(`listings.browse_${b.key}`)}</Link>
						</p>
					) : null}
				</div>
			))}
		</section>
	)
}
