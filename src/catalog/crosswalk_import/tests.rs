//! Tests of the OLIR and OSCAL readers and of the written crosswalk.
