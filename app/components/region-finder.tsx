// The region finder inside the offer and project forms, and its form plumbing (plain functions,
// used by the forms in the browser and by the routes' actions).
//
// The finder works without JavaScript: its buttons post the whole form with intent
// `find-region` / `add-region:<code>`, and the action answers with the matches and the form's
// values as typed (nothing is written). With JavaScript it asks the route's loader (?regionQ=)
// through a fetcher and adds codes in place.
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { useFetcher } from '@remix-run/react'
import { type KeyboardEvent, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import type { RegionFinderData } from '#app/models/browse.server.ts'
import { LEVELS, isRegionCode } from '#app/models/region-code.ts'

/** Accepts any form: the finder's answer echoes the values as typed, without checking them. */
export const EchoSchema = z.object({})

export function isFinderIntent(intent: string): boolean {
	return intent === 'find-region' || intent.startsWith('add-region:')
}

/** For intent `add-region:<code>`: `field` with the code appended (once). */
export function withAddedCode(formData: FormData, intent: string, field: string): FormData {
	const code = intent.slice('add-region:'.length)
	if (!intent.startsWith('add-region:') || !isRegionCode(code)) return formData
	const codes = String(formData.get(field) ?? '')
		.split(/[\s,，、;；]+/)
		.filter(Boolean)
	if (!codes.includes(code)) codes.push(code)
	formData.set(field, codes.join(' '))
	return formData
}

/**
 * The action's answer to a finder intent: the matches, and the form's values (with an added code)
 * to show it again as typed. A plain object: this module's shared exports reach the browser, so
 * they may not use @remix-run/node.
 */
export function finderReply(formData: FormData, finder: RegionFinderData, field: string) {
	const intent = String(formData.get('intent') ?? '')
	const submission = parseWithZod(withAddedCode(formData, intent, field), { schema: EchoSchema })
	return { result: submission.reply() as SubmissionResult<string[]>, finder }
}

// True once React has hydrated, so the page can hide what does not apply only when JavaScript is
// there to show it again.
let hydrating = true
export function useHydrated() {
	const [hydrated, setHydrated] = useState(() => !hydrating)
	useEffect(() => {
		hydrating = false
		setHydrated(true)
	}, [])
	return hydrated
}

/**
 * The region finder inside a form: a place-name box, an optional level, and the matches, each
 * with a button that adds its code to `onAdd` (JavaScript) or posts `add-region:<code>`.
 */
export function RegionFinder({ finder, fixedLevel, onAdd, loaderPath }: { finder: RegionFinderData | null; fixedLevel?: number; onAdd: (code: string) => void; loaderPath: string }) {
	const { t } = useTranslation()
	const hydrated = useHydrated()
	const fetcher = useFetcher<{ finder: RegionFinderData }>()
	const qRef = useRef<HTMLInputElement>(null)
	const levelRef = useRef<HTMLSelectElement>(null)
	const [added, setAdded] = useState<string | null>(null)
	const shown = fetcher.data?.finder ?? finder
	const search = () => {
		const params = new URLSearchParams({ regionQ: qRef.current?.value ?? '' })
		if (levelRef.current?.value) params.set('regionLevel', levelRef.current.value)
		fetcher.load(`${loaderPath}?${params}`)
	}
	const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
		if (event.key === 'Enter') {
			event.preventDefault()
			search()
		}
	}
	return (
		<div role="group" aria-labelledby="finder-title" style={{ background: 'var(--bg)', borderRadius: 6, padding: '8px 12px', margin: '0 0 12px' }}>
			<p id="finder-title" style={{ margin: '0 0 4px', fontWeight: 600 }}>
				{t('offer.finder.title')}
			</p>
			<small className="hint">{t(fixedLevel === 5 ? 'offer.finder.hint_villages' : 'offer.finder.hint')}</small>
			<div className="row" style={{ marginTop: 6 }}>
				<div className="field" style={{ flex: '2 1 160px', marginBottom: 0 }}>
					<label htmlFor="regionQ">{t('offer.finder.place')}</label>
					<input ref={qRef} id="regionQ" name="regionQ" type="search" defaultValue={finder?.q ?? ''} maxLength={50} onKeyDown={hydrated ? onKeyDown : undefined} />
				</div>
				{fixedLevel ? null : (
					<div className="field" style={{ flex: '1 1 100px', marginBottom: 0 }}>
						<label htmlFor="regionLevel">{t('offer.finder.level')}</label>
						<select ref={levelRef} id="regionLevel" name="regionLevel" defaultValue={finder?.level ?? ''}>
							<option value="">{t('offer.finder.all_levels')}</option>
							{LEVELS.map((l) => (
								<option key={l} value={l}>
									{t(`vocab.level.${l}`)}
								</option>
							))}
						</select>
					</div>
				)}
				{hydrated ? (
					<button type="button" className="secondary" style={{ flex: '0 0 auto' }} onClick={search}>
						{t('offer.finder.submit')}
					</button>
				) : (
					<button type="submit" name="intent" value="find-region" formNoValidate className="secondary" style={{ flex: '0 0 auto' }}>
						{t('offer.finder.submit')}
					</button>
				)}
			</div>
			<div aria-live="polite">
				{shown?.q ? (
					shown.regions.length ? (
						<>
							<p style={{ margin: '8px 0 4px' }}>{t('offer.finder.count', { count: shown.regions.length })}</p>
							<ul className="plain">
								{shown.regions.map((r) => (
									<li key={`${r.code}-${r.level}`} className="row" style={{ alignItems: 'center' }}>
										<span style={{ flex: '1 1 200px' }}>
											{r.fullName} <span className="tag">{t(`vocab.level.${r.level}`)}</span>
											<br />
											<code style={{ userSelect: 'all' }}>{r.code}</code>
										</span>
										{hydrated ? (
											<button
												type="button"
												className="secondary"
												style={{ flex: '0 0 auto', padding: '2px 10px' }}
												onClick={() => {
													onAdd(r.code)
													setAdded(r.code)
												}}
												aria-label={t('offer.finder.add_label', { name: r.fullName })}
											>
												{t('offer.finder.add')}
											</button>
										) : (
											<button
												type="submit"
												name="intent"
												value={`add-region:${r.code}`}
												formNoValidate
												className="secondary"
												style={{ flex: '0 0 auto', padding: '2px 10px' }}
												aria-label={t('offer.finder.add_label', { name: r.fullName })}
											>
												{t('offer.finder.add')}
											</button>
										)}
									</li>
								))}
							</ul>
							{shown.regions.length >= shown.limit ? <p className="muted">{t('offer.finder.more', { count: shown.limit })}</p> : null}
						</>
					) : (
						<p style={{ margin: '8px 0 0' }}>{t('offer.finder.none', { q: shown.q })}</p>
					)
				) : null}
				<p role="status" className="muted" style={{ margin: 0 }}>
					{added ? t('offer.finder.added', { code: added }) : null}
				</p>
			</div>
		</div>
	)
}

/** `codes` (a space-separated list as typed) with `code` appended once. */
export function appendCode(codes: unknown, code: string): string {
	const list = String(codes ?? '')
		.split(/[\s,，、;；]+/)
		.filter(Boolean)
	return (list.includes(code) ? list : [...list, code]).join(' ')
}
