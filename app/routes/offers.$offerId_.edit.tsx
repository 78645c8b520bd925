// Edit an offer: drafts by any member of the provider, paused offers by its owners and admins
// (offer.server.ts checks again). Outsiders get 403; a member whose offer is not editable gets
// the reason and a way back.
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { OfferForm, type OfferFormValues } from '#app/components/offer-form.tsx'
import { finderReply, isFinderIntent } from '#app/components/region-finder.tsx'
import { regionFinder } from '#app/models/browse.server.ts'
import { OfferSchema } from '#app/models/offer.schema.ts'
import { getOffer, updateOffer } from '#app/models/offer.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { forbidden, notFound, replyWithError } from '#app/utils/http.server.ts'
import { fenToYuan } from '#app/utils/money.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `修改：${data?.offer.title ?? '帮扶资源'} · 帮扶 Bangfu` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const offer = await getOffer(db, params.offerId ?? '', actor)
	if (!offer) notFound()
	if (!offer.viewer.role) forbidden()
	const values: OfferFormValues = {
		title: offer.title,
		description: offer.description,
		categories: offer.categories,
		measure: offer.measure,
		unit: offer.unit ?? '',
		capacity: offer.capacity === null ? '' : offer.measure === 'amount' ? fenToYuan(offer.capacity) : String(offer.capacity),
		unlimited: offer.capacity === null ? 'on' : undefined,
		coverage: offer.coverage,
		// 'pairings' offers list resolved regions in `regions`; only listed regions belong in the form.
		regionCodes: offer.coverage === 'regions' ? offer.regions.map((r) => r.code).join(' ') : '',
		validFrom: formatChinaDate(offer.validFrom),
		validUntil: formatChinaDate(offer.validUntil),
	}
	return {
		offer: { id: offer.id, title: offer.title, status: offer.status, providerName: offer.providerName },
		canEdit: offer.viewer.canEdit,
		values,
		finder: await regionFinder(db, url.searchParams),
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const offerId = params.offerId ?? ''
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? 'save')
	if (isFinderIntent(intent)) return finderReply(formData, await regionFinder(db, formData), 'regionCodes')
	const submission = parseWithZod(formData, { schema: OfferSchema })
	if (submission.status !== 'success') return data({ result: submission.reply(), finder: null }, { status: 400 })
	try {
		await updateOffer(db, offerId, submission.payload, actor)
		return redirect(`/offers/${offerId}?saved=1`)
	} catch (error) {
		const response = replyWithError(submission, error)
		return data({ result: response.data.result, finder: null }, response.init ?? undefined)
	}
}

export default function EditOfferPage() {
	const { t } = useTranslation()
	const { offer, canEdit, values, finder } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	return (
		<>
			<p className="crumbs">
				<Link to="/offers">{t('browse.offers.title')}</Link> › <Link to={`/offers/${offer.id}`}>{offer.title}</Link> ›
			</p>
			<h1>{t('offer.edit_title')}</h1>
			<p className="muted">
				{offer.providerName} · <span className="tag">{t(`vocab.offer_status.${offer.status}`)}</span>
			</p>
			{canEdit ? (
				<section className="card">
					<OfferForm
						id="edit-offer"
						orgs={[]}
						defaultValue={values}
						lastResult={actionData?.result}
						finder={actionData?.finder ?? finder}
						loaderPath={`/offers/${offer.id}/edit`}
						submitLabel={t('offer.actions.save')}
					/>
				</section>
			) : (
				<section className="card" role="status">
					<p style={{ marginTop: 0 }}>{t(offer.status === 'paused' ? 'offer.edit_needs_admin' : 'offer.edit_locked')}</p>
					<p style={{ marginBottom: 0 }}>
						<Link to={`/offers/${offer.id}`}>{t('offer.back_to_offer')}</Link>
					</p>
				</section>
			)}
		</>
	)
}
