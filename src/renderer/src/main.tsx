import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppFrame } from './components/AppFrame';
import { followAlbumChanges } from './stores/albums';
import { followJobUpdates } from './stores/jobs';
import { followLibraryChanges } from './stores/library';
import { followYearJobs } from './stores/years';
import './styles.css';

followJobUpdates();
followLibraryChanges();
followYearJobs();
followAlbumChanges();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppFrame />
  </StrictMode>,
);
