/**
 * Test support: a generated catalog plus hand-made entries that every fixture
 * comparison needs (a feat. credit, disambiguations, a compilation under a
 * two-artist credit, a reissue with a bonus track, releases without art), so
 * shape tests do not depend on what a seed happens to generate.
 */
import { generateCatalog, type AddedAlbum, type Artist, type Catalog } from './catalog';

export interface RichCatalog {
  catalog: Catalog;
  lanterns: Artist;
  zoe: Artist;
  album: AddedAlbum;
  compilation: AddedAlbum;
  noArt: AddedAlbum;
}

export function richCatalog(seed: number | string = 7): RichCatalog {
  const catalog = generateCatalog({ seed, artists: 6 });
  const lanterns = catalog.addArtist({ name: 'The Velvet Lanterns', sortName: 'Velvet Lanterns, The', disambiguation: 'UK band', country: 'GB', begin: '1975' });
  const zoe = catalog.addArtist({ name: 'Zoë Ågren', sortName: 'Ågren, Zoë', type: 'Person', country: 'SE', begin: '1970' });
  const album = catalog.addAlbum({
    artist: lanterns,
    title: 'Café Noir',
    date: '1979-06-01',
    country: 'GB',
    format: 'CD',
    tracks: [
      { title: 'Burn the Witch', isrcs: ['GBAYE7900001', 'GBAYE1100001'], length: 285_546 },
      { title: 'Rock & Roll Heart (Part 1)', featuring: zoe, isrcs: ['GBAYE7900002'], length: 201_000 },
      { title: "What's a Mirror?", length: 250_000 },
      { title: 'AC/DC: "Live" [Edit]', length: 180_000, isrcs: ['GBAYE7900004'] },
    ],
    reissues: [{ date: '2011-03-07', title: 'Café Noir (Remastered 2011)', bonusTracks: [{ title: 'Burn the Witch (Demo)', length: 240_000 }] }],
    audiodb: true,
    discogs: true,
    spotify: true,
  });
  album.recordings[0]!.disambiguation = 'album version';
  album.releases[1]!.asin = 'B00TESTASN';
  const compilation = catalog.addAlbum({
    artist: [
      { artistId: lanterns.id, name: 'The Velvet Lanterns', joinphrase: ' & ' },
      { artistId: zoe.id, name: 'Zoë Ågren', joinphrase: '' },
    ],
    title: 'Duets & Rarities',
    date: '2015-01-01',
    secondaryTypes: ['Compilation'],
    tracks: [{ recording: album.recordings[0]! }, { recording: album.recordings[1]! }],
    discogs: true,
    spotify: true,
  });
  const noArt = catalog.addAlbum({
    artist: zoe,
    title: 'Señorita',
    date: '2001',
    coverArt: false,
    tracks: [{ title: 'Intro', length: 60_000 }],
    reissues: [{ date: '2020-05-05', coverArt: false }],
    audiodb: true,
    spotify: true,
  });
  catalog.version++;
  return { catalog, lanterns, zoe, album, compilation, noArt };
}
