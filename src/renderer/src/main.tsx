import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppFrame } from './components/AppFrame';
import { followJobUpdates } from './stores/jobs';
import './styles.css';

followJobUpdates();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppFrame />
  </StrictMode>,
);
