//! Renderers: a session as the text people paste (sh, fish, dotenv, json, …).
