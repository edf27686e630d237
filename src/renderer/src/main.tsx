import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppFrame } from './components/AppFrame';
import { followJobUpdates } from './stores/jobs';
import { followLibraryChanges } from './stores/library';
import './styles.css';

followJobUpdates();
followLibraryChanges();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppFrame />
  </StrictMode>,
);
