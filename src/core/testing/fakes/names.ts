/**
 * Word lists for the generated catalog. They lean on the cases fuzzy matching
 * gets wrong: accents, '&', a leading 'The ', Lucene's special characters in
 * titles, duplicate titles ('Intro'), and remaster suffixes.
 */
import type { Prng } from './prng';

const FIRST = [
  'Zoë', 'Björn', 'Héloïse', 'Ólafur', 'Søren', 'Inés', 'Joaquín', 'Amélie', 'Chloé', 'Jürgen', 'François', 'Łucja',
  'Mårten', 'Renée', 'Noël', 'Anaïs', 'Sinéad', 'Ngozi', 'Kenji', 'Mei', 'Ravi', 'Ana', 'Tom', 'Clara', 'Leo', 'Marta',
  'Elif', 'Oskar', 'Nina', 'Yusuf', 'Ida', 'Ben', 'Ruth', 'Sam',
];
const LAST = [
  'Ågren', 'Åkesson', 'Marchand', 'Ríkharðsson', 'Nørgaard', 'Muñoz', 'Castaño', 'Dubois', 'Müller', 'Kowalczyk',
  'Lindqvist', "O'Briain", 'Okafor', 'Tanaka', 'Chen', 'Iyer', 'Silva', 'Reyes', 'Hart', 'Vance', 'Hale', 'Marlowe',
  'Quinn', 'Stone', 'Blackwood', 'Frost', 'Delacroix', 'Çelik', 'Öztürk', 'Brooks',
];
const ADJ = [
  'Velvet', 'Silver', 'Hollow', 'Paper', 'Electric', 'Midnight', 'Crimson', 'Quiet', 'Golden', 'Broken', 'Neon', 'Wild',
  'Lonely', 'Burning', 'Frozen', 'Distant', 'Violet', 'Iron', 'Secret', 'Wandering', 'Naïve', 'Blue', 'Northern', 'Last',
];
const NOUNS = [
  'Lantern', 'River', 'Fox', 'Machine', 'Ghost', 'Harbour', 'Satellite', 'Sparrow', 'Mirror', 'Wolf', 'Daughter',
  'Engine', 'Parade', 'Comet', 'Tiger', 'Stranger', 'Owl', 'Bell', 'Kite', 'Drifter', 'Heart', 'Garden', 'Summer',
  'Window', 'Island', 'Shadow', 'Letter', 'Highway', 'Ocean', 'Station',
];
const PLURAL: Record<string, string> = { Fox: 'Foxes', Wolf: 'Wolves' };
const ODD_WORDS = ['Café', 'Déjà Vu', 'Über', 'Año Nuevo', 'Rêverie', 'Fête', 'Smörgåsbord', 'Ça Ira', 'Señorita', 'Jalapeño'];

export const plural = (noun: string): string => PLURAL[noun] ?? `${noun}s`;

export interface GeneratedArtistName {
  name: string;
  sortName: string;
  type: 'Person' | 'Group';
}

/** `variant` picks the pattern, so a small catalog can still have one of each. */
export function artistName(rng: Prng, variant = rng.int(0, 8)): GeneratedArtistName {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const adj = rng.pick(ADJ);
  const noun = plural(rng.pick(NOUNS));
  switch (variant) {
    case 0:
    case 1:
      return { name: `The ${adj} ${noun}`, sortName: `${adj} ${noun}, The`, type: 'Group' };
    case 2:
      return { name: `${adj} ${noun}`, sortName: `${adj} ${noun}`, type: 'Group' };
    case 3:
      return { name: `${first} & the ${noun}`, sortName: `${first} & the ${noun}`, type: 'Group' };
    case 4: {
      const partner = rng.pick(LAST.filter((l) => l !== last));
      return { name: `${last} & ${partner}`, sortName: `${last} & ${partner}`, type: 'Group' };
    }
    case 5: {
      const name = `${rng.pick(ODD_WORDS)} ${noun}`;
      return { name, sortName: name, type: 'Group' };
    }
    default:
      return { name: `${first} ${last}`, sortName: `${last}, ${first}`, type: 'Person' };
  }
}

export function albumTitle(rng: Prng): string {
  const adj = rng.pick(ADJ);
  const noun = rng.pick(NOUNS);
  const other = rng.pick(NOUNS);
  switch (rng.int(0, 9)) {
    case 0:
      return `${adj} ${noun}`;
    case 1:
      return `The ${noun} of ${other}`;
    case 2:
      return `${plural(noun)} & ${plural(other)}`;
    case 3:
      return rng.pick(ODD_WORDS);
    case 4:
      return `${adj} ${noun}: Part ${rng.pick(['I', 'II', 'III'])}`;
    case 5:
      return `Songs for ${rng.pick(FIRST)}`;
    case 6:
      return `${noun}?`;
    case 7:
      return `${rng.pick(ODD_WORDS)} (${adj} ${noun})`;
    default:
      return `${adj} ${plural(noun)}`;
  }
}

export function trackTitle(rng: Prng): string {
  const adj = rng.pick(ADJ);
  const noun = rng.pick(NOUNS);
  switch (rng.int(0, 14)) {
    case 0:
      return 'Intro';
    case 1:
      return `Don't Stop (${adj} ${noun})`;
    case 2:
      return `${noun} / ${rng.pick(NOUNS)}`;
    case 3:
      return `What's a ${noun}?`;
    case 4:
      return `${adj} ${noun}, Pt. ${rng.int(1, 3)}`;
    case 5:
      return `${rng.pick(ODD_WORDS)}!`;
    case 6:
      return `Rock & Roll ${noun}`;
    case 7:
      return `${noun} [Interlude]`;
    case 8:
      return `C'est la ${noun}`;
    case 9:
      return `The ${adj} ${noun}`;
    case 10:
      return `${noun}: ${adj} Mix`;
    default:
      return `${adj} ${noun}`;
  }
}

export function labelName(rng: Prng): string {
  return `${rng.pick(ADJ)} ${rng.pick(NOUNS)} ${rng.pick(['Records', 'Recordings', 'Music', 'Sound'])}`;
}

export function vaCompilationTitle(rng: Prng, index: number): string {
  const adj = rng.pick(ADJ);
  switch (index % 4) {
    case 0:
      return `Now That's ${adj}! Vol. ${rng.int(1, 40)}`;
    case 1:
      return `${adj} Anthems: The Collection`;
    case 2:
      return `100% ${rng.pick(ODD_WORDS)} Hits`;
    default:
      return `Classic ${plural(rng.pick(NOUNS))} (${rng.int(1965, 1999)}–${rng.int(2000, 2015)})`;
  }
}
