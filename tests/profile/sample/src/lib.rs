//! Some generic code for rustc to type-check, borrow-check and codegen.

use std::collections::HashMap;
use std::fmt::Debug;

pub trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String {
        String::from("shape")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    pub r: f64,
}

impl Shape for Rect {
    fn area(&self) -> f64 {
        self.w * self.h
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        std::f64::consts::PI * self.r * self.r
    }
    fn name(&self) -> String {
        format!("circle of radius {}", self.r)
    }
}

pub fn total_area(shapes: &[Box<dyn Shape>]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}

pub struct Stack<T> {
    items: Vec<T>,
}

impl<T: Clone + Debug> Stack<T> {
    pub fn new() -> Self {
        Stack { items: Vec::new() }
    }
    pub fn push(&mut self, t: T) {
        self.items.push(t);
    }
    pub fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }
    pub fn peek(&self) -> Option<&T> {
        self.items.last()
    }
    pub fn describe(&self) -> String {
        format!("{:?}", self.items)
    }
}

impl<T: Clone + Debug> Default for Stack<T> {
    fn default() -> Self {
        Self::new()
    }
}

pub fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in text.split_whitespace() {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

pub fn compute(n: u64) -> u64 {
    let mut s = Stack::new();
    for i in 0..n {
        s.push(i * i);
    }
    let mut acc = 0;
    while let Some(v) = s.pop() {
        acc += v % 7;
    }
    acc
}

macro_rules! make_adders {
    ($($name:ident => $n:expr),*) => {
        $(pub fn $name(x: i64) -> i64 { x + $n })*
    };
}

make_adders!(add1 => 1, add2 => 2, add3 => 3, add4 => 4, add5 => 5);

#[cfg(feature = "extra")]
pub fn extra_feature() -> &'static str {
    "extra"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_works() {
        assert_eq!(compute(10), compute(10));
    }

    #[test]
    fn stack_works() {
        let mut s: Stack<String> = Stack::new();
        s.push("a".into());
        assert_eq!(s.peek().map(|x| x.as_str()), Some("a"));
        assert_eq!(s.describe(), "[\"a\"]");
    }

    #[test]
    fn shapes() {
        let v: Vec<Box<dyn Shape>> =
            vec![Box::new(Rect { w: 2.0, h: 3.0 }), Box::new(Circle { r: 1.0 })];
        assert!(total_area(&v) > 9.0);
    }
}
