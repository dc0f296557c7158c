//! Accounts: sign-in, tokens, second factors, agencies, users and regions.

mod api;
