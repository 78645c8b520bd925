import { randomBytes } from 'node:crypto'

// Crockford base32: sortable as text, no ambiguous letters.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

let lastTime = 0
let lastRandom: number[] = []

/**
 * A 26-character time-ordered id (ULID layout: 48-bit ms time + 80 random bits).
 * Ids made in the same millisecond by this process stay ordered by incrementing the random part,
 * so rows inserted in a loop sort in insertion order; the random part keeps them unguessable.
 */
export function newId(now = Date.now()): string {
	let random: number[]
	if (now === lastTime) {
		random = increment(lastRandom)
	} else {
		const bytes = randomBytes(16)
		random = Array.from({ length: 16 }, (_, i) => bytes[i] % 32)
	}
	lastTime = now
	lastRandom = random
	let time = ''
	let t = now
	for (let i = 0; i < 10; i++) {
		time = ALPHABET[t % 32] + time
		t = Math.floor(t / 32)
	}
	return time + random.map((d) => ALPHABET[d]).join('')
}

function increment(digits: number[]): number[] {
	const out = [...digits]
	for (let i = out.length - 1; i >= 0; i--) {
		if (out[i] < 31) {
			out[i]++
			return out
		}
		out[i] = 0
	}
	return out
}

export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/
